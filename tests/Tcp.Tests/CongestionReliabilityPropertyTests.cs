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
    [Property(MaxTest = 1000)]
    public Property EveryAlgorithmCompletesItsTransferOverALossyReorderingPath(
        PositiveInt seed, byte algorithm, byte queuePackets, byte lossPermille, byte duplicatePercent,
        byte reorderPercent, byte jitterMs, byte corruptPermille, PositiveInt kilobytes)
    {
        var name = CongestionControlRegistry.Names[algorithm % CongestionControlRegistry.Names.Count];
        var queue = 2 + (queuePackets % 100);
        var loss = lossPermille % 50 / 1000.0;
        var duplicate = duplicatePercent % 5 / 100.0;
        var reorder = reorderPercent % 10 / 100.0;
        var jitter = SimTime.FromMilliseconds(jitterMs % 10);
        var corrupt = corruptPermille % 20 / 1000.0;
        var bytes = 1 + (kilobytes.Get % 1000 * 1000L);
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
}
