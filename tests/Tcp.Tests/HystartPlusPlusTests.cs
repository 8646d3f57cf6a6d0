using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;
using Xunit.Abstractions;

namespace NetSim.Tcp.Tests;

/// <summary>HyStart++ (RFC 9406) for CUBIC, on 20 Mbit/s with a 40 ms RTT (69 packets) and a 1000-packet buffer.</summary>
public class HystartPlusPlusTests(ITestOutputHelper output)
{
    [Fact]
    public void TheDelayIncreaseEndsSlowStartThroughFiveCssRoundsBeforeTheBufferOverflows()
    {
        var (sender, net) = Start(HystartMode.PlusPlus);
        uint cssEntry = 0;
        var plusPlus = Assert.IsType<Cubic>(sender.Connection!.Congestion).HystartPlusPlus!;
        while (!plusPlus.Exited && net.Simulation.Now < SimTime.FromSeconds(5))
        {
            net.Simulation.Run(net.Simulation.Now + SimTime.FromMilliseconds(1));
            if (plusPlus.InCss && cssEntry == 0)
            {
                cssEntry = sender.Connection.Window.Cwnd;
            }
        }

        var connection = sender.Connection;
        output.WriteLine($"CSS from cwnd {cssEntry}, congestion avoidance at {net.Simulation.Now} with ssthresh {connection.Window.Ssthresh}");

        // The round's minimum RTT rises by the 5 ms threshold (max(4 ms, min(40 ms / 8, 16 ms)))
        // once a standing queue outlasts a whole round: at two to three BDPs. CSS then grows a
        // quarter as fast for five rounds (x 1.25^5) and sets ssthresh to cwnd; nothing was lost.
        Assert.True(plusPlus.Exited);
        Assert.InRange(cssEntry, 69u, 3 * 69u);
        Assert.Equal(connection.Window.Cwnd, connection.Window.Ssthresh);
        Assert.InRange(connection.Window.Ssthresh, (uint)(cssEntry * 2.5), (uint)(cssEntry * 3.5));
        Assert.Equal(0, net.Forward.Statistics.QueueDrops);
        Assert.Equal(0, connection.Statistics.TotalRetransmissions);

        // Plain slow start runs on until the buffer overflows.
        var (plain, plainNet) = Start(HystartMode.Off);
        plainNet.Simulation.Run(SimTime.FromSeconds(3));
        output.WriteLine($"plain slow start: {plainNet.Forward.Statistics.QueueDrops} drops, ssthresh {plain.Connection!.Window.Ssthresh}");
        Assert.True(plainNet.Forward.Statistics.QueueDrops > 0);
        Assert.True(plain.Connection.Statistics.TotalRetransmissions > 0);
    }

    private static (BulkSendApplication Sender, TwoHostNetwork Net) Start(HystartMode mode)
    {
        var settings = TcpSettings.Linux with { Hystart = mode, ReceiveBuffer = 16 << 20, SendBuffer = 16 << 20 };
        var net = new TwoHostNetwork(rateBps: 20_000_000, delayMs: 20, queuePackets: 1000, settings: settings);
        var sink = new SinkApplication(net.ServerStack, 5001, settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk");
        sender.Install();
        net.Simulation.Run(SimTime.FromMilliseconds(150));
        return (sender, net);
    }
}
