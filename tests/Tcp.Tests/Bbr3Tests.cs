using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;
using Xunit.Abstractions;

namespace NetSim.Tcp.Tests;

/// <summary>BBRv3 as google/bbr's tcp_bbr.c (v3), on the 10 Mbit/s, 40 ms path and on a 1 Gbit/s, 1 ms path with shallow ECN marking.</summary>
public class Bbr3Tests(ITestOutputHelper output)
{
    [Fact]
    public void Bbr3CyclesDownCruiseRefillUpAndProbesRttEveryFiveSecondsAtHalfTheBdp()
    {
        var path = new BottleneckPath("bbr3");
        var trace = Trace(path, SimTime.FromSeconds(22));
        var bbr = (Bbr3)path.Sender.Connection!.Congestion;
        var busy = path.Bottleneck.Statistics.BytesTransmitted * 8 / 10e6 / 22;
        output.WriteLine($"bw {bbr.BandwidthSegmentsPerSecond:F0}/s, min RTT {bbr.MinRttUs} us, busy {busy:P1}");

        Assert.InRange(bbr.BandwidthSegmentsPerSecond, 0.97 * BottleneckPath.BottleneckPacketsPerSecond, 1.03 * BottleneckPath.BottleneckPacketsPerSecond);
        Assert.InRange(bbr.MinRttUs, 40_000u, 41_500u);
        Assert.True(busy > 0.95, $"the bottleneck was {busy:P1} busy");
        Assert.Equal(0, path.Sender.Connection.Statistics.TotalRetransmissions);

        // The gain cycle: Down drains to Cruise; a probe is a round of Refill, then Up, then Down again.
        var steady = trace.Where(s => s.Mode == BbrMode.ProbeBw).ToList();
        var transitions = steady.Zip(steady.Skip(1)).Where(p => p.First.Phase != p.Second.Phase).Select(p => (p.First.Phase, p.Second.Phase)).Distinct().ToList();
        Assert.Contains((BbrProbeBwPhase.Down, BbrProbeBwPhase.Cruise), transitions);
        Assert.Contains((BbrProbeBwPhase.Cruise, BbrProbeBwPhase.Refill), transitions);
        Assert.Contains((BbrProbeBwPhase.Refill, BbrProbeBwPhase.Up), transitions);
        Assert.Contains((BbrProbeBwPhase.Up, BbrProbeBwPhase.Down), transitions);

        // A cycle starts in Down after a probe, or on leaving ProbeRtt; the next probe comes when a Reno flow with
        // this BDP (about 34 rounds of 41 ms) would probe, before the 2 to 3 s of the wall clock.
        var waits = new List<double>();
        var cycleStart = double.NaN;
        for (var i = 1; i < trace.Count; i++)
        {
            var (previous, current) = (trace[i - 1], trace[i]);
            if ((previous.Mode == BbrMode.ProbeRtt && current.Mode == BbrMode.ProbeBw) || (previous.Phase == BbrProbeBwPhase.Up && current.Phase == BbrProbeBwPhase.Down))
            {
                cycleStart = current.Time;
            }
            else if (previous.Phase == BbrProbeBwPhase.Cruise && current.Phase == BbrProbeBwPhase.Refill && !double.IsNaN(cycleStart))
            {
                waits.Add(current.Time - cycleStart);
            }
        }

        output.WriteLine($"waits before each probe: {string.Join(", ", waits.Select(w => w.ToString("F2")))} s");
        Assert.True(waits.Count >= 7, $"{waits.Count} probes");
        Assert.All(waits, wait => Assert.InRange(wait, 1.3, 3.0));

        // bbr_probe_rtt_win_ms = 5000, and cwnd is half the BDP (17 segments) there, not v1's four.
        var probeRtt = trace.Where(s => s.Mode == BbrMode.ProbeRtt).ToList();
        var starts = Episodes(probeRtt.Select(s => s.Time).ToList());
        output.WriteLine($"ProbeRtt at {string.Join(", ", starts.Select(p => p.ToString("F2")))} s");
        Assert.Equal(4, starts.Count);
        Assert.All(starts.Zip(starts.Skip(1), (a, b) => b - a), gap => Assert.InRange(gap, 5.0, 5.5));
        Assert.All(probeRtt, s => Assert.InRange(s.Cwnd, 4u, 18u));
        Assert.Contains(probeRtt, s => s.Cwnd >= 16);
    }

    [Fact]
    public void OnABufferOfAQuarterBdpBbr3LearnsInflightHiFromLossAndLosesFarLessThanBbrV1()
    {
        var v3 = new BottleneckPath("bbr3", bufferPackets: 8);
        var v1 = new BottleneckPath("bbr", bufferPackets: 8);
        v3.Simulation.Run(SimTime.FromSeconds(20));
        v1.Simulation.Run(SimTime.FromSeconds(20));
        var bbr = (Bbr3)v3.Sender.Connection!.Congestion;
        var v3Lost = v3.Bottleneck.Statistics.QueueDrops / (double)v3.Bottleneck.Statistics.PacketsEnqueued;
        var v1Lost = v1.Bottleneck.Statistics.QueueDrops / (double)v1.Bottleneck.Statistics.PacketsEnqueued;
        output.WriteLine($"v3: lost {v3Lost:P2}, inflight_hi {bbr.InflightHi}, delivered {v3.Sink.BytesReceived}; v1: lost {v1Lost:P2}, delivered {v1.Sink.BytesReceived}");

        // BDP 33 plus 8 queued: a probe that overflows the buffer loses more than 2% of its flight and caps inflight there.
        Assert.NotNull(bbr.InflightHi);
        Assert.InRange(bbr.InflightHi!.Value, 33u, 50u);
        Assert.True(v3Lost < v1Lost / 3, $"BBRv3 lost {v3Lost:P2}, v1 {v1Lost:P2}");
        Assert.True(v3.Sink.BytesReceived > 0.95 * v1.Sink.BytesReceived, "both fill the link");
        Assert.Equal(0, v3.Sink.OrderViolations);
    }

    [Fact]
    public void WithShallowEcnMarkingAndEcnLowBbr3KeepsTheQueueAtTheThresholdWithoutLoss()
    {
        var low = EcnPath(ecnLow: true);
        var plain = EcnPath(ecnLow: false);
        output.WriteLine($"ecn_low: queue {low.MeanQueue:F1} (max {low.MaxQueue}), alpha {low.Bbr.EcnAlpha}/256, inflight_hi {low.Bbr.InflightHi}; without: queue {plain.MeanQueue:F1} (max {plain.MaxQueue})");

        Assert.True(low.Bbr.EcnEligible);
        Assert.False(plain.Bbr.EcnEligible);
        Assert.Equal(EcnFlags.Ok | EcnFlags.Low | EcnFlags.EctPermanent, low.Flags & (EcnFlags.Ok | EcnFlags.Low | EcnFlags.EctPermanent));
        Assert.InRange(low.Bbr.EcnAlpha, 1u, 255u);
        Assert.True(low.MeanQueue < plain.MeanQueue / 2, "answering CE marks keeps the queue shorter");
        // At 1 Gbit/s a millisecond of pacing fills a 64 KiB TSO packet (45 segments), which lands in
        // the queue at once: above the marking threshold the queue holds at most two of them.
        Assert.True(low.MaxQueue < 15 + (2 * 45), $"max queue {low.MaxQueue}");
        Assert.Equal(0, low.Retransmissions);
        Assert.True(low.Busy > 0.97, $"busy {low.Busy:P1}");
    }

    /// <summary>
    /// A 1 Gbit/s link of 1 ms RTT marking above 15 packets. The marking queue is the sender's own
    /// link's, which would take a TSO packet held back by tcp_tso_should_defer() as one burst, so
    /// deferral is off (tcp_tso_win_divisor 100), as in DctcpTests.
    /// </summary>
    private static (double MeanQueue, int MaxQueue, double Busy, Bbr3 Bbr, EcnFlags Flags, long Retransmissions) EcnPath(bool ecnLow)
    {
        var settings = TcpSettings.Linux with { Congestion = "bbr3", Ecn = 1, EcnLow = ecnLow, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20, TsoWinDivisor = 100 };
        var net = new TwoHostNetwork(rateBps: 1_000_000_000, delay: SimTime.FromMicroseconds(500), settings: settings, forwardQueue: new ThresholdMarkingQueue(15, 1000));
        new SinkApplication(net.ServerStack, 5001, settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk");
        sender.Install();
        net.Simulation.Run(SimTime.FromSeconds(0.5));
        var busyBefore = net.Forward.Statistics.BusyNanoseconds;
        double queue = 0;
        var max = 0;
        var samples = 0;
        for (var t = SimTime.FromSeconds(0.5); t <= SimTime.FromSeconds(1.5); t += SimTime.FromMicroseconds(500))
        {
            net.Simulation.Run(t);
            queue += net.Forward.Queue.Count;
            max = Math.Max(max, net.Forward.Queue.Count);
            samples++;
        }

        var connection = sender.Connection!;
        var busy = (net.Forward.Statistics.BusyNanoseconds - busyBefore) / 1e9;
        return (queue / samples, max, busy, (Bbr3)connection.Congestion, connection.EcnFlags, connection.Statistics.TotalRetransmissions);
    }

    private static List<(double Time, BbrMode Mode, BbrProbeBwPhase Phase, uint Cwnd)> Trace(BottleneckPath path, SimTime until)
    {
        var trace = new List<(double, BbrMode, BbrProbeBwPhase, uint)>();
        for (var t = SimTime.FromMilliseconds(10); t <= until; t += SimTime.FromMilliseconds(10))
        {
            path.Simulation.Run(t);
            if (path.Sender.Connection?.Congestion is Bbr3 bbr)
            {
                trace.Add((t.TotalSeconds, bbr.Mode, bbr.Phase, path.Sender.Connection.Window.Cwnd));
            }
        }

        return trace;
    }

    /// <summary>The first sample time of each run of samples no more than 0.5 s apart.</summary>
    private static List<double> Episodes(List<double> times) =>
        [.. times.Where((t, i) => i == 0 || t - times[i - 1] > 0.5)];
}
