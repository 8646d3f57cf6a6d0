using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>H-TCP (net/ipv4/tcp_htcp.c): growth that quickens with the time since the last loss, and beta from the RTT's range.</summary>
public class HtcpTests
{
    [Fact]
    public void OnALargePipeHtcpRefillsFarSoonerThanRenoAndKeepsBetaWithinItsBounds()
    {
        // After each loss Reno adds one segment a round trip; H-TCP's alpha rises with every second since the loss.
        var (htcp, htcpGoodput, renoGoodput) = BulkRun.LargePipeAgainstReno("htcp");

        Assert.True(htcpGoodput > 1.3 * renoGoodput, $"H-TCP {htcpGoodput / 1e6:F1} against Reno {renoGoodput / 1e6:F1} Mbit/s");
        var algorithm = Assert.IsType<Htcp>(htcp.Sender.Congestion);
        Assert.InRange(algorithm.Beta, 64u, 102u);
        // alpha = 2 x factor x (1 - beta): a whole multiple of 2 (128 - beta) in 128ths.
        Assert.Equal(0u, algorithm.Alpha % (2 * (128 - algorithm.Beta)));
    }
}
