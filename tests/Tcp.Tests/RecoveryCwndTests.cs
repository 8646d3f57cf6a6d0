using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>cwnd during fast recovery: Proportional Rate Reduction (RFC 6937) or RFC 6675's fixed ssthresh.</summary>
public class RecoveryCwndTests
{
    /// <summary>One segment lost from a large window; cwnd sampled every millisecond while in Recovery.</summary>
    private static (List<uint> Cwnd, uint Ssthresh) Recovery(bool prr)
    {
        var settings = TcpSettings.Linux with { Prr = prr, ReceiveBuffer = 4 << 20, SendBuffer = 4 << 20 };
        var client = Ipv4Address.Parse("10.0.0.1");
        var server = Ipv4Address.Parse("10.0.0.2");
        var loss = new ScheduledLoss([], [new SegmentMatch(client, server, 5001, RelativeSequence: 1 + (200 * 1448), Times: 1)]);
        var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 20, queuePackets: 1000, settings: settings, forwardLossModel: loss);
        var sink = new SinkApplication(net.ServerStack, 5001, settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk");
        sender.Install();
        var samples = new List<uint>();
        uint ssthresh = 0;
        for (var t = SimTime.FromMilliseconds(1); t < SimTime.FromSeconds(2); t += SimTime.FromMilliseconds(1))
        {
            net.Simulation.Run(t);
            if (sender.Connection is { CaState: CaState.Recovery } connection)
            {
                samples.Add(connection.Window.Cwnd);
                ssthresh = connection.Window.Ssthresh;
            }
        }

        Assert.Equal(0, sink.OrderViolations);
        return (samples, ssthresh);
    }

    [Fact]
    public void WithoutPrrCwndIsSsthreshThroughoutRecovery()
    {
        var (cwnd, ssthresh) = Recovery(prr: false);

        Assert.NotEmpty(cwnd);
        Assert.All(cwnd, c => Assert.Equal(ssthresh, c));
    }

    [Fact]
    public void WithPrrCwndFollowsWhatIsInFlightDownToSsthresh()
    {
        var (cwnd, ssthresh) = Recovery(prr: true);

        // RFC 6937: cwnd = pipe + sndcnt, so it starts near the old window and comes down to ssthresh.
        Assert.NotEmpty(cwnd);
        Assert.True(cwnd[0] > ssthresh, $"cwnd {cwnd[0]} at the start of recovery, ssthresh {ssthresh}");
        Assert.True(cwnd.Distinct().Count() > 1);
    }
}
