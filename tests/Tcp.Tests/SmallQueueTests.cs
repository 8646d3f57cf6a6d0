using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Tests;

/// <summary>TCP Small Queues' throttling: what a sender keeps in its own host's queue (tcp_small_queue_check(), tcp_wfree()).</summary>
public class SmallQueueTests
{
    [Fact]
    public void AThrottledSenderKeepsItsOwnQueueNearAMillisecondAndStillFillsTheLink()
    {
        var throttled = Run(small: true, queuePackets: 1000);
        var unthrottled = Run(small: false, queuePackets: 1000);

        // 100 Mbit/s, 20 ms RTT: the BDP is 167 segments. Without TSQ the sender's own 1000-packet
        // queue fills until it drops; with it the queue holds two TSO packets, each about a
        // millisecond at the pacing rate (1.2 x cwnd x MSS / srtt), and the link stays as busy.
        Assert.True(unthrottled.MaxQueue > 500, $"unthrottled queue peaked at {unthrottled.MaxQueue}");
        Assert.True(unthrottled.Drops > 0);
        Assert.InRange(throttled.MaxQueue, 2, 40);
        Assert.Equal(0, throttled.Drops);
        Assert.True(throttled.GoodputMbps > 0.97 * unthrottled.GoodputMbps, $"{throttled.GoodputMbps:F1} against {unthrottled.GoodputMbps:F1} Mbit/s");
        Assert.True(throttled.GoodputMbps > 90);
    }

    [Fact]
    public void EveryChargeComesBackWhetherTheSegmentWasSentOrDropped()
    {
        // A 3-packet queue drops some of the ten segments or so TSQ lets through: a dropped segment
        // is freed as a sent one is (kfree_skb() runs tcp_wfree() too), and the sender sends on.
        var run = Run(small: true, queuePackets: 3, bytes: 20_000_000);

        Assert.True(run.Drops > 0);
        Assert.Equal(20_000_000, run.Delivered);
        Assert.Equal(0, run.BelowSocketAtEnd);
        Assert.True(run.MaxBelowSocket > 0);
    }

    [Fact]
    public void WithoutThrottlingNothingIsCharged()
    {
        var run = Run(small: false, queuePackets: 1000, bytes: 5_000_000);

        Assert.Equal(0, run.MaxBelowSocket);
        Assert.Equal(5_000_000, run.Delivered);
    }

    private sealed record Outcome(int MaxQueue, long Drops, double GoodputMbps, long Delivered, long MaxBelowSocket, long BelowSocketAtEnd);

    private static Outcome Run(bool small, int queuePackets, long? bytes = null)
    {
        var settings = TcpSettings.Linux with { ReceiveBuffer = 16 << 20, SendBuffer = 16 << 20, SmallQueueThrottling = small };
        var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 10, queuePackets: queuePackets, settings: settings);
        var (sink, sender) = net.StartBulk(bytes);

        var maxQueue = 0;
        var maxBelow = 0L;
        net.Forward.QueueLengthChanged = channel =>
        {
            maxQueue = Math.Max(maxQueue, net.Simulation.Now > SimTime.FromSeconds(2) ? channel.Queue.Count : 0);
            maxBelow = Math.Max(maxBelow, sender.Connection?.BytesBelowSocket ?? 0);
        };
        net.Simulation.Run(SimTime.FromSeconds(2));
        var before = sink.BytesReceived;
        net.Simulation.Run(SimTime.FromSeconds(10));

        return new Outcome(
            maxQueue,
            net.Forward.Statistics.QueueDrops,
            (sink.BytesReceived - before) * 8 / 8e6,
            sink.BytesReceived,
            maxBelow,
            sender.Connection!.BytesBelowSocket);
    }
}
