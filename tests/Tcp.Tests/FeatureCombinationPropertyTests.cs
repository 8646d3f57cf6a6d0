using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Reliability across the settings a researcher toggles: any combination of SACK, D-SACK, RACK,
/// PRR, F-RTO, tail loss probes, timestamps, window scaling, ECN (off, RFC 3168, Accurate ECN),
/// delayed or per-segment ACKs, byte counting, Nagle, pacing, slow start after idle, TSO deferral,
/// TSQ throttling, receive buffer moderation, window shrinking, MTU probing and the algorithm,
/// over a lossy, reordering path with a short queue, still delivers every byte once and in order,
/// or, without SACK, gives up where Linux's would.
/// With data both ways, segments carry the SACK blocks of their own receive side, which take
/// their room from the payload (tcp_current_mss()).
/// </summary>
public class FeatureCombinationPropertyTests
{
    [Property(MaxTest = 600)]
    public Property EveryCombinationOfTcpFeaturesDeliversEveryByte(PositiveInt seed, byte lowFlags, byte highFlags, byte options, byte algorithm, byte queuePackets, byte lossPermille, byte reorderPercent, byte size, bool bothWays)
    {
        // Two bytes, as FsCheck draws bytes over their whole range but keeps wider integers small.
        var flags = lowFlags | (highFlags << 8);
        bool Flag(int bit) => (flags & (1 << bit)) != 0;
        var settings = TcpSettings.Linux with
        {
            Sack = Flag(0),
            Dsack = Flag(1),
            Rack = Flag(2),
            Prr = Flag(3),
            Frto = Flag(4),
            TailLossProbe = Flag(5),
            Timestamps = Flag(6),
            WindowScaling = Flag(7),
            AckEverySegment = Flag(8),
            ByteCounting = Flag(9),
            NoDelay = Flag(10),
            Pacing = Flag(11),
            SlowStartAfterIdle = Flag(12),
            SmallQueueThrottling = Flag(13),
            ModerateReceiveBuffer = Flag(14),
            ShrinkWindow = Flag(15),
            Ecn = options % 4 == 3 ? 3 : options % 3,
            MtuProbing = options / 4 % 3,
            TsoWinDivisor = options / 12 % 2 == 0 ? 3 : 100,
            Congestion = CongestionControlRegistry.Names[algorithm % CongestionControlRegistry.Names.Count],
            ReceiveBuffer = 256 * 1024,
        };
        var queue = 2 + (queuePackets % 60);
        var loss = lossPermille % 40 / 1000.0;
        var reorder = reorderPercent % 8 / 100.0;
        var bytes = 1 + (size * 8_000L);
        var reply = bothWays ? 200_000 : 0;
        var path = new HostilePath((ulong)seed.Get, settings, bytes, queue, loss, 0, reorder, SimTime.FromMilliseconds(1), 0, reply);
        for (var t = SimTime.FromMilliseconds(10); bothWays && t < SimTime.FromSeconds(10); t += SimTime.FromMilliseconds(10))
        {
            path.Simulation.Run(t);
            if (path.Sink.Accepted.SingleOrDefault() is { } server)
            {
                server.Write(reply);
                break;
            }
        }

        // Without SACK or timestamps a lost retransmission waits for an RTO that backs off to 120 s
        // (Karn: no RTT sample to reset it), so the worst paths take many minutes.
        path.Simulation.Run(SimTime.FromSeconds(36_000));

        // Without SACK a connection can stay in one loss episode until tcp_retries2 gives up, as
        // Linux's does: a burst loss leaves several holes, and the first ACK after each timeout
        // covers the retransmitted head and a segment never retransmitted, which F-RTO takes for a
        // spurious timeout (tcp_process_loss(), FLAG_ORIG_SACK_ACKED), so the lost marks go and the
        // next hole waits for the next, backed-off, timeout; or a queue of two or three packets
        // loses a retransmission in every recovery, and MTU probing halves the MSS at each timeout.
        // What arrived until then must still be in order and intact.
        var gaveUp = !settings.Sack && path.Sender.Connection is { Error: "ETIMEDOUT" } && path.Sink.OrderViolations == 0
            && path.Sink.Accepted.All(c => c.Statistics.IntegrityErrors == 0);
        return Prop.Label(path.CompletedCleanly || gaveUp,
            $"seed {seed.Get}, {settings.Congestion}, flags {flags:x4}, options {options}, queue {queue}, loss {loss}, reorder {reorder}, {bytes} B, both ways {bothWays}: {path.Outcome}");
    }
}
