using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using Xunit.Abstractions;

namespace NetSim.Tcp.Tests;

/// <summary>BBR v1 as Linux's tcp_bbr.c, on a 10 Mbit/s, 40 ms path behind a fast first hop and a deep buffer.</summary>
public class BbrTests(ITestOutputHelper output)
{
    [Fact]
    public void BbrFillsTheBottleneckWithoutFillingTheBufferAndEstimatesItsRate()
    {
        var bbrQueue = MeanBottleneckQueue(new BottleneckPath("bbr"), out var bbrBusy, out var bbr);
        var cubicQueue = MeanBottleneckQueue(new BottleneckPath("cubic"), out var cubicBusy, out _);
        output.WriteLine($"BBR: queue {bbrQueue:F1} packets, busy {bbrBusy:P1}, bw {bbr.BandwidthSegmentsPerSecond:F0}/s, min RTT {bbr.MinRttUs} us; CUBIC: queue {cubicQueue:F1}, busy {cubicBusy:P1}");

        // The BDP is 33 packets: BBR's inflight cap of 2 BDP keeps at most about one in the queue, CUBIC fills the 1000.
        Assert.True(bbrBusy > 0.95, $"BBR kept the bottleneck {bbrBusy:P1} busy");
        Assert.InRange(bbrQueue, 1, 34);
        Assert.True(cubicQueue > 10 * bbrQueue, $"CUBIC's mean queue {cubicQueue:F1}");
        Assert.InRange(bbr.BandwidthSegmentsPerSecond, 0.97 * BottleneckPath.BottleneckPacketsPerSecond, 1.03 * BottleneckPath.BottleneckPacketsPerSecond);
        // 40 ms of propagation plus the 10 Mbit/s bottleneck's 1.2 ms per segment: the RTT of a TSO
        // packet is measured from its send to the ACK of its last segment, and BBR's hold two.
        Assert.InRange(bbr.MinRttUs, 40_000u, 42_500u);
    }

    [Fact]
    public void StartupDrainsToProbeBwAndProbeRttComesEveryTenSecondsAtFourSegments()
    {
        var path = new BottleneckPath("bbr");
        var modes = new List<(double Time, BbrMode Mode, uint Cwnd)>();
        for (var t = SimTime.FromMilliseconds(10); t <= SimTime.FromSeconds(25); t += SimTime.FromMilliseconds(10))
        {
            path.Simulation.Run(t);
            if (path.Sender.Connection?.Congestion is Bbr bbr)
            {
                modes.Add((t.TotalSeconds, bbr.Mode, path.Sender.Connection.Window.Cwnd));
            }
        }

        Assert.Equal(BbrMode.Startup, modes[0].Mode);
        var probeBw = modes.First(m => m.Mode == BbrMode.ProbeBw).Time;
        Assert.True(probeBw < 2, $"ProbeBw from {probeBw} s");
        var probeRtt = modes.Where(m => m.Mode == BbrMode.ProbeRtt).ToList();
        var episodes = probeRtt.Where((m, i) => i == 0 || m.Time - probeRtt[i - 1].Time > 1).Select(m => m.Time).ToList();
        output.WriteLine($"ProbeBw from {probeBw} s; ProbeRtt at {string.Join(", ", episodes)} s");

        // bbr_min_rtt_win_sec = 10: the first ProbeRtt ten seconds after the last new minimum, the next ten after it.
        Assert.Equal(2, episodes.Count);
        Assert.InRange(episodes[1] - episodes[0], 9.9, 10.5);
        Assert.All(probeRtt, m => Assert.True(m.Cwnd <= 4, $"cwnd {m.Cwnd} in ProbeRtt at {m.Time} s"));

        // bbr_probe_rtt_mode_ms = 200: at four segments for 200 ms and one round, not much more.
        var firstEpisode = probeRtt.Count(m => m.Time < episodes[0] + 1);
        Assert.InRange(firstEpisode, 20, 30);
    }

    [Fact]
    public void BbrPacesItsSegmentsAtTheBottleneckRateOnTheFastFirstHop()
    {
        var path = new BottleneckPath("bbr");
        var departures = new List<SimTime>();
        path.Access.TransmissionStarted = (_, p) =>
        {
            if (p.PayloadLength > 0 && path.Simulation.Now > SimTime.FromSeconds(5))
            {
                departures.Add(path.Simulation.Now);
            }
        };

        path.Simulation.Run(SimTime.FromSeconds(8));

        // Unpaced, a window leaves the 1 Gbit/s hop in bursts 12 us apart; paced near 10 Mbit/s, 1.2 ms apart.
        var gaps = departures.Zip(departures.Skip(1), (a, b) => (b - a).Microseconds).OrderBy(g => g).ToList();
        var median = gaps[gaps.Count / 2];
        output.WriteLine($"median gap {median} us over {gaps.Count} departures; pacing rate {path.Sender.Connection!.PacingRate} B/s");
        Assert.InRange(median, 900, 1500);
        Assert.InRange(path.Sender.Connection.PacingRate, 0.9 * 10e6 / 8, 1.3 * 10e6 / 8);
    }

    private static double MeanBottleneckQueue(BottleneckPath path, out double busy, out Bbr bbr)
    {
        var sample = BottleneckSample.Measure(path.Simulation, path.Bottleneck, SimTime.FromSeconds(5), SimTime.FromSeconds(25));
        busy = sample.Busy;
        bbr = path.Sender.Connection!.Congestion as Bbr ?? new Bbr();
        Assert.Equal(0, path.Sink.OrderViolations);
        return sample.MeanQueue;
    }
}
