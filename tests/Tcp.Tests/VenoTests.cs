using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>TCP Veno (net/ipv4/tcp_veno.c): a loss with little queued is taken as random and costs a fifth, not half.</summary>
public class VenoTests
{
    [Fact]
    public void BeforeAnyEstimateALossIsTakenAsRandom()
    {
        Assert.Equal(64u, new Veno().Ssthresh(new CongestionWindow { Cwnd = 80 }));
    }

    [Fact]
    public void RandomLossCostsAFifthAndCongestionHalf()
    {
        // 10 Mbit/s, 100 ms RTT. With 0.5% random loss and a queue that hardly fills, most losses
        // find fewer than three segments queued: a fifth off each time, where Reno halves.
        var (venoLossy, randomShare) = Run("veno", loss: 0.005, queue: 200);
        var (renoLossy, _) = Run("reno", loss: 0.005, queue: 200);
        Assert.True(venoLossy > 1.2 * renoLossy, $"Veno {venoLossy / 1e6:F2} against Reno {renoLossy / 1e6:F2} Mbit/s");

        // Without random loss the losses are the queue's: the estimate finds the queue most of the
        // time (three segments or more), and there Veno halves, as Reno.
        var (_, congestive) = Run("veno", loss: 0, queue: 50);
        Assert.True(congestive > 0.5, $"congestive in {congestive:P0} of the samples");
        Assert.True(randomShare < 0.5, $"congestive in {randomShare:P0} of the samples under random loss");
    }

    /// <summary>Goodput over the last 40 of 60 s, and the share of 100 ms samples in which Veno saw the path congested.</summary>
    private static (double GoodputBps, double CongestiveShare) Run(string congestion, double loss, int queue)
    {
        var run = new BulkRun(congestion, rateBps: 10_000_000, delayMs: 50, loss: loss, queuePackets: queue);
        var congestive = 0;
        var goodput = run.Goodput(20, 60, 0.1, () => congestive += run.Sender.Congestion is Veno { Congestive: true } ? 1 : 0);
        return (goodput, congestive / 400.0);
    }
}
