using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Every congestion control module against a hostile path: whichever algorithm a flow runs, with
/// a bottleneck queue of any size (drops in bursts when it is short), random loss, duplication,
/// reordering, jitter and bit errors, the transfer completes, every byte arrives once and in
/// order, both ends close, and the algorithm leaves a usable window (tcp_cong_avoid_ai() and
/// every ssthresh hook keep cwnd at least 1 and ssthresh at least 2 in Linux). A module whose
/// arithmetic misbehaves on odd RTT samples or repeated losses shows here as a stall or a zero window.
/// </summary>
public class CongestionReliabilityPropertyTests
{
    [Property(MaxTest = 300)]
    public Property EveryAlgorithmCompletesItsTransferOverALossyReorderingPath(
        PositiveInt seed, byte algorithm, byte queuePackets, byte lossPermille, byte duplicatePercent,
        byte reorderPercent, byte jitterMs, byte corruptPermille, byte size)
    {
        var name = CongestionControlRegistry.Names[algorithm % CongestionControlRegistry.Names.Count];
        var queue = 2 + (queuePackets % 100);
        var loss = lossPermille % 50 / 1000.0;
        var duplicate = duplicatePercent % 5 / 100.0;
        var reorder = reorderPercent % 10 / 100.0;
        var jitter = SimTime.FromMilliseconds(jitterMs % 10);
        var corrupt = corruptPermille % 20 / 1000.0;
        var bytes = 1 + (size * 8_000L);
        var settings = TcpSettings.Linux with { Congestion = name };

        var path = new HostilePath((ulong)seed.Get, settings, bytes, queue, loss, duplicate, reorder, jitter, corrupt);
        var smallestCwnd = uint.MaxValue;
        var smallestSsthresh = uint.MaxValue;
        for (var t = SimTime.FromMilliseconds(100); t <= SimTime.FromSeconds(900) && path.Sink.BytesReceived < bytes; t += SimTime.FromMilliseconds(100))
        {
            path.Simulation.Run(t);
            if (path.Sender.Connection is { State: TcpState.Established } connection)
            {
                smallestCwnd = Math.Min(smallestCwnd, connection.Window.Cwnd);
                smallestSsthresh = Math.Min(smallestSsthresh, connection.Window.Ssthresh);
            }
        }

        path.Simulation.Run(SimTime.FromSeconds(960));
        var label = $"{name}, queue {queue}, loss {loss}, duplicate {duplicate}, reorder {reorder}, jitter {jitter}, corrupt {corrupt}, {bytes} B: "
            + $"{path.Outcome}, smallest cwnd {smallestCwnd}, smallest ssthresh {smallestSsthresh}";
        return Prop.Label(path.CompletedCleanly && smallestCwnd >= 1 && smallestSsthresh >= 2, label);
    }

    /// <summary>
    /// The same path with the algorithm changed every 200 ms of the transfer (cycling through a
    /// generated list), as setsockopt(TCP_CONGESTION) or a sock_ops program's bpf_setsockopt() may
    /// at any moment: tcp_reinit_congestion_control() hands the connection, in whatever recovery
    /// state it is, to a fresh module, which must carry on.
    /// </summary>
    [Property(MaxTest = 300)]
    public Property SwitchingAlgorithmsMidTransferLosesNothing(
        PositiveInt seed, byte[] switches, byte queuePackets, byte lossPermille, byte reorderPercent, byte size)
    {
        var names = CongestionControlRegistry.Names;
        var queue = 2 + (queuePackets % 100);
        var loss = lossPermille % 50 / 1000.0;
        var reorder = reorderPercent % 10 / 100.0;
        var bytes = 1 + (size * 8_000L);
        var path = new HostilePath((ulong)seed.Get, TcpSettings.Linux, bytes, queue, loss, 0, reorder, SimTime.Zero, 0);
        var applied = new List<string>();
        var step = 0;
        for (var t = SimTime.FromMilliseconds(50); t <= SimTime.FromSeconds(900) && path.Sink.BytesReceived < bytes; t += SimTime.FromMilliseconds(50), step++)
        {
            path.Simulation.Run(t);
            if (switches.Length > 0 && step % 4 == 0 && path.Sender.Connection is { State: TcpState.Established } connection)
            {
                var name = names[switches[step / 4 % switches.Length] % names.Count];
                Assert.Equal(0, connection.SetCongestionControl(name));
                applied.Add(name);
            }
        }

        path.Simulation.Run(SimTime.FromSeconds(960));
        var label = $"queue {queue}, loss {loss}, reorder {reorder}, {bytes} B, switched to {string.Join(" ", applied)}: {path.Outcome}";
        return Prop.Label(path.CompletedCleanly, label);
    }
}
