using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>BIC (net/ipv4/tcp_bic.c): binary search towards the window that last lost, 819/1024 kept on loss.</summary>
public class BicTests
{
    private static CongestionWindow Window(uint cwnd) => new() { Cwnd = cwnd, Ssthresh = 10, IsCwndLimited = true };

    [Fact]
    public void ALossKeeps819Of1024AndRemembersTheWindowAndFastConvergenceLowersIt()
    {
        var bic = new Bic();

        Assert.Equal(79u, bic.Ssthresh(Window(100)));
        Assert.Equal(100u, bic.LastMaxCwnd);

        // A loss below the last Wmax: Wmax = cwnd x (1 + beta) / 2 (fast convergence).
        Assert.Equal(71u, bic.Ssthresh(Window(90)));
        Assert.Equal(80u, bic.LastMaxCwnd);

        // At or below low_window (14) BIC halves as Reno.
        Assert.Equal(6u, bic.Ssthresh(Window(12)));
    }

    [Fact]
    public void AfterALossBicRefillsALargePipeFarSoonerThanReno()
    {
        // BIC keeps 0.8 of the window and climbs back to Wmax by binary search (16 segments per
        // round trip at most, doubled by the way Linux counts delayed ACKs) within seconds.
        var (bic, bicGoodput, renoGoodput) = BulkRun.LargePipeAgainstReno("bic");

        Assert.InRange(Assert.IsType<Bic>(bic.Sender.Congestion).LastMaxCwnd, 3_500u, 5_000u);
        Assert.True(bicGoodput > 400e6, $"BIC {bicGoodput / 1e6:F1} Mbit/s");
        Assert.True(bicGoodput > 1.3 * renoGoodput, $"BIC {bicGoodput / 1e6:F1} against Reno {renoGoodput / 1e6:F1} Mbit/s");
    }
}
