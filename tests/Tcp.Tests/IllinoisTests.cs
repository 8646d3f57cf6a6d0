using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>TCP-Illinois (net/ipv4/tcp_illinois.c): loss decides when to back off, the queueing delay how much and how fast to grow.</summary>
public class IllinoisTests
{
    [Fact]
    public void WithLittleQueueingDelayIllinoisGrowsFastAndBacksOffLittle()
    {
        // The queue adds at most 12 ms to 100, so the average delay stays low against the largest:
        // alpha near 10 and beta near 1/8.
        var (illinois, illinoisGoodput, renoGoodput) = BulkRun.LargePipeAgainstReno("illinois");

        Assert.True(illinoisGoodput > 1.3 * renoGoodput, $"Illinois {illinoisGoodput / 1e6:F1} against Reno {renoGoodput / 1e6:F1} Mbit/s");
        var algorithm = Assert.IsType<Illinois>(illinois.Sender.Congestion);
        Assert.InRange(algorithm.Alpha, 38u, 1280u);
        Assert.InRange(algorithm.Beta, 8u, 32u);
    }

    [Fact]
    public void BelowFifteenSegmentsItIsReno()
    {
        // 2 Mbit/s, 40 ms: a 7-segment BDP and a 5-packet queue keep the window below win_thresh.
        var run = new BulkRun("illinois", rateBps: 2_000_000, delayMs: 20, queuePackets: 5);
        run.Goodput(5, 20);
        var algorithm = Assert.IsType<Illinois>(run.Sender.Congestion);
        Assert.True(run.Sender.Window.Cwnd < 15, $"cwnd {run.Sender.Window.Cwnd}");
        Assert.Equal((128u, 32u), (algorithm.Alpha, algorithm.Beta));
    }
}
