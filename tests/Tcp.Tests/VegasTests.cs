using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;
using Xunit.Abstractions;

namespace NetSim.Tcp.Tests;

/// <summary>TCP Vegas (Brakmo and Peterson 1995) as Linux's tcp_vegas.c.</summary>
public class VegasTests(ITestOutputHelper output)
{
    /// <summary>
    /// Vegas aims to keep between alpha = 2 and beta = 4 segments queued at the bottleneck: it fills
    /// the link without filling the buffer, so a lone flow loses nothing where Reno saws into drops.
    /// </summary>
    [Fact]
    public void ALoneVegasFlowKeepsTwoToFourSegmentsQueuedAndLosesNothing()
    {
        var settings = TcpSettings.Linux with { Congestion = "vegas", ReceiveBuffer = 1 << 20, SendBuffer = 1 << 20 };
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, queuePackets: 100, settings: settings);
        var sink = new SinkApplication(net.ServerStack, 5001, settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk");
        sender.Install();
        var (utilisation, meanQueue) = BottleneckSample.Measure(net.Simulation, net.Forward, SimTime.FromSeconds(10), SimTime.FromSeconds(30));
        var vegas = Assert.IsType<Vegas>(sender.Connection!.Congestion);
        output.WriteLine($"mean queue {meanQueue:F2} packets, utilisation {utilisation:P2}, cwnd {sender.Connection.Window.Cwnd}, base RTT {vegas.BaseRtt} us");

        Assert.InRange(meanQueue, 1.5, 5);
        Assert.True(utilisation > 0.97, $"utilisation {utilisation:P2}");
        Assert.Equal(0, sender.Connection.Statistics.TotalRetransmissions);
        Assert.Equal(0, net.Forward.Statistics.QueueDrops);
        Assert.InRange(vegas.BaseRtt, 40_000u, 42_000u);
    }
}
