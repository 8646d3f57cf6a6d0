using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// tcp_min_rtt(): Linux keeps the smallest RTT of the last five minutes (sysctl tcp_min_rtt_wlen
/// 300) in a lib/minmax.c windowed filter, starting from ~0U, not the smallest ever seen.
/// </summary>
public class MinRttTests
{
    [Fact]
    public void TheWindowedMinimumForgetsASampleOlderThanTheWindow()
    {
        var filter = new WindowedMinMax();
        filter.Reset(0, uint.MaxValue);

        Assert.Equal(100UL, filter.RunningMin(300, 0, 100));
        Assert.Equal(100UL, filter.RunningMin(300, 100, 200));
        Assert.Equal(100UL, filter.RunningMin(300, 200, 250));
        // At 301 the sample of time 0 has aged out: the best of the rest, 200 from time 100, takes over.
        Assert.Equal(200UL, filter.RunningMin(300, 301, 400));
        // A smaller sample replaces everything at once.
        Assert.Equal(50UL, filter.RunningMin(300, 302, 50));
        // Nothing in the window any more: the new sample is all there is.
        Assert.Equal(900UL, filter.RunningMin(300, 1000, 900));
    }

    [Fact]
    public void TheWindowedMaximumStillServesBbr()
    {
        var filter = new WindowedMinMax();
        filter.Reset(0, 0);

        Assert.Equal(10UL, filter.RunningMax(10, 1, 10));
        Assert.Equal(10UL, filter.RunningMax(10, 5, 8));
        Assert.Equal(8UL, filter.RunningMax(10, 12, 3));
    }

    [Fact]
    public void ASocketWithoutAnRttSampleReadsAllOnesAndTheHandshakeGivesTheFirst()
    {
        var net = new TwoHostNetwork(delayMs: 20);
        new SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        var atConnect = client.MinRttUs;
        long atEstablished = 0;
        client.Established = c => atEstablished = c.MinRttUs;

        net.Simulation.Run(SimTime.FromSeconds(1));

        Assert.Equal(uint.MaxValue, atConnect);
        Assert.InRange(atEstablished, 40_000, 40_200);
    }

    /// <summary>
    /// A bulk flow held by the receiver's window (about 45 packets) over a 10 Mbit/s path with a
    /// 40 ms RTT and a 33-packet BDP keeps a dozen packets queued, without loss, from the end of slow
    /// start on. At 200 s the empty path of the first second is still in the window; at 400 s it has
    /// aged out and the minimum is the standing queue's RTT.
    /// </summary>
    [Fact]
    public void AStandingQueueBecomesTheMinimumOnceTheEmptyPathIsFiveMinutesOld()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, queuePackets: 1000);
        new SinkApplication(net.ServerStack, 5001, net.Settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, net.Settings, "bulk");
        sender.Install();
        long early = 0;
        net.Simulation.Schedule(SimTime.FromSeconds(200), () => early = sender.Connection!.MinRttUs);

        net.Simulation.Run(SimTime.FromSeconds(400));

        var connection = sender.Connection!;
        Assert.Equal(0, connection.Statistics.TotalRetransmissions);
        Assert.InRange(early, 40_000, 42_000);
        Assert.InRange(connection.MinRttUs, 50_000, connection.Rtt.SrttUs8 >> 3);
    }
}
