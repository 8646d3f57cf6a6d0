using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>YeAH-TCP (net/ipv4/tcp_yeah.c): Scalable growth while the queue is short, Reno with the queue drained when it is not.</summary>
public class YeahTests
{
    [Fact]
    public void OnALargePipeWithAShortQueueItGrowsAsScalable()
    {
        var (yeah, goodput, renoGoodput) = BulkRun.LargePipeAgainstReno("yeah");

        Assert.True(goodput > 1.3 * renoGoodput, $"YeAH {goodput / 1e6:F1} against Reno {renoGoodput / 1e6:F1} Mbit/s");
        Assert.IsType<Yeah>(yeah.Sender.Congestion);
    }

    [Fact]
    public void BehindADeepBufferItDrainsTheQueueBeforeItOverflows()
    {
        // 20 Mbit/s, 40 ms RTT (a 69-segment BDP) and a 1000-packet buffer. Reno's slow start
        // overflows it; YeAH sees more than 80 segments queued at the end of a round and takes
        // them off cwnd at once (ssthresh with it), without a loss. After that its reno_count grows
        // with cwnd, one segment a round, so it stays in Reno mode, as tcp_yeah.c does.
        var yeah = new BulkRun("yeah", rateBps: 20_000_000, delayMs: 20, queuePackets: 1000);
        var reno = new BulkRun("reno", rateBps: 20_000_000, delayMs: 20, queuePackets: 1000);
        yeah.Goodput(5, 40);
        reno.Goodput(5, 40);

        Assert.Equal(0, yeah.Sender.Statistics.TotalRetransmissions);
        Assert.True(reno.Sender.Statistics.TotalRetransmissions > 0);
        Assert.True(yeah.Sender.Window.Ssthresh < CongestionWindow.InfiniteSsthresh, "the drain set ssthresh");
        Assert.True(Assert.IsType<Yeah>(yeah.Sender.Congestion).RenoRounds > 0);
    }
}
