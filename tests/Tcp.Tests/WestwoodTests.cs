using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>Westwood+ (net/ipv4/tcp_westwood.c): after a loss the window comes from the bandwidth estimate, not from halving.</summary>
public class WestwoodTests
{
    [Fact]
    public void UnderRandomLossTheWindowFollowsTheBandwidthEstimateAndBeatsReno()
    {
        // 10 Mbit/s, 100 ms RTT, 0.5% random loss: Reno halves at every loss and averages a few
        // Mbit/s; Westwood+ sets ssthresh and cwnd to the estimated bandwidth x RTTmin when
        // recovery ends, so a loss that was not congestion costs it much less.
        var (westwood, estimate, sender) = Run("westwood");
        var (reno, _, _) = Run("reno");

        Assert.True(westwood > 1.5 * reno, $"Westwood+ {westwood / 1e6:F2} against Reno {reno / 1e6:F2} Mbit/s");
        Assert.InRange(estimate * 8, 0.7 * westwood, 1.3 * westwood);
        var rttMinSegments = estimate * (sender.MinRttUs / 1e6) / sender.Mss;
        Assert.InRange(sender.Window.Ssthresh, 0.7 * rttMinSegments, 1.3 * rttMinSegments + 2);
    }

    private static (double GoodputBps, long EstimateBytesPerSecond, TcpConnection Sender) Run(string congestion)
    {
        var run = new BulkRun(congestion, rateBps: 10_000_000, delayMs: 50, loss: 0.005, queuePackets: 200);
        var goodput = run.Goodput(20, 60);
        return (goodput, run.Sender.Congestion is Westwood westwood ? westwood.BandwidthBytesPerSecond : 0, run.Sender);
    }
}
