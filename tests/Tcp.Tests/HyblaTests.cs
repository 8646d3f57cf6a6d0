using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>TCP Hybla (net/ipv4/tcp_hybla.c): a long-RTT flow grows in time as one with a 25 ms RTT would.</summary>
public class HyblaTests
{
    [Fact]
    public void OnASatellitePathHyblaGrowsAsAShortRttFlowWouldAndOutrunsReno()
    {
        // 10 Mbit/s with a 500 ms round trip (a geostationary hop) and 0.05% random loss: rho is
        // 20, so congestion avoidance adds 400 / cwnd segments per ACK where Reno adds 1 / cwnd.
        var (hybla, rho) = Run("hybla");
        var (reno, _) = Run("reno");

        Assert.Equal(20u, rho);
        Assert.True(hybla > 2 * reno, $"Hybla {hybla / 1e6:F2} against Reno {reno / 1e6:F2} Mbit/s");
    }

    private static (double GoodputBps, uint Rho) Run(string congestion)
    {
        var run = new BulkRun(congestion, rateBps: 10_000_000, delayMs: 250, loss: 0.0005, queuePackets: 500);
        var goodput = run.Goodput(20, 120);
        return (goodput, run.Sender.Congestion is Hybla hybla ? hybla.Rho : 0);
    }
}
