using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;
using Xunit.Abstractions;

namespace NetSim.Tcp.Tests;

/// <summary>TCP-NV as Linux's tcp_nv.c, on a 10 Mbit/s, 40 ms RTT path with a 1000-packet buffer (BDP 33 packets).</summary>
public class NvTests(ITestOutputHelper output)
{
    /// <summary>A sock_ops stand-in that answers BASE_RTT, as samples/bpf/tcp_basertt_kern.c does.</summary>
    private sealed class BaseRttReply(int us) : ISockOpsDispatcher
    {
        public int Call(TcpConnection connection, SockOp op, uint arg0 = 0, uint arg1 = 0, uint arg2 = 0, SockOpsSkb? segment = null) =>
            op == SockOp.BaseRtt ? us : 0;
    }

    private static (TwoHostNetwork Net, TcpConnection Sender) Start(int baseRttUs)
    {
        var settings = TcpSettings.Linux with { Congestion = "nv", ReceiveBuffer = 4 << 20, SendBuffer = 4 << 20 };
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, queuePackets: 1000, settings: settings);
        net.ClientStack.SockOps = new BaseRttReply(baseRttUs);
        new SinkApplication(net.ServerStack, 5001, settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk");
        sender.Install();
        net.Simulation.Run(SimTime.FromMilliseconds(100));
        return (net, sender.Connection!);
    }

    [Fact]
    public void WithABaseRttNvHoldsAboutItsPadOfTenPacketsInTheQueue()
    {
        var (net, sender) = Start(41_000);
        var early = BottleneckSample.Measure(net.Simulation, net.Forward, SimTime.FromSeconds(10), SimTime.FromSeconds(20));
        var late = BottleneckSample.Measure(net.Simulation, net.Forward, SimTime.FromSeconds(50), SimTime.FromSeconds(60));
        var nv = Assert.IsType<Nv>(sender.Congestion);
        output.WriteLine($"queue {early.MeanQueue:F1} then {late.MeanQueue:F1} packets, busy {late.Busy:P1}, cwnd {sender.Window.Cwnd}, min RTT {nv.MinRttUs} us");

        // Every averaged RTT is bounded to [80% of 41 ms, 41 ms], so the minimum stays 41 ms: the
        // target is the window the rate needs at 41 ms plus nv_pad, about nine packets queued.
        Assert.Equal((41_000u, 32_832u, 41_000u), (nv.BaseRttUs, nv.LowerBoundRttUs, nv.MinRttUs));
        Assert.InRange(early.MeanQueue, 7, 11);
        Assert.InRange(late.MeanQueue, 7, 11);
        Assert.True(late.Busy > 0.99, $"busy {late.Busy:P1}");
        Assert.Equal(0, sender.Statistics.TotalRetransmissions);
    }

    [Fact]
    public void WithoutABaseRttEachMinimumRttRenewalTakesInTheQueueItKeeps()
    {
        var (net, sender) = Start(0);
        var first = BottleneckSample.Measure(net.Simulation, net.Forward, SimTime.FromSeconds(5), SimTime.FromSeconds(10));
        var later = BottleneckSample.Measure(net.Simulation, net.Forward, SimTime.FromSeconds(50), SimTime.FromSeconds(60));
        var nv = Assert.IsType<Nv>(sender.Congestion);
        output.WriteLine($"queue {first.MeanQueue:F1} then {later.MeanQueue:F1} packets, min RTT {nv.MinRttUs} us");

        // nv_min_rtt is renewed every 3.75-6.25 s from the averaged RTTs of the period, which include
        // the queue NV keeps; each renewal lets it queue nv_pad more. No loss ever stops it on a deep buffer.
        Assert.Equal((0u, 0u), (nv.BaseRttUs, nv.LowerBoundRttUs));
        Assert.True(later.MeanQueue > first.MeanQueue + 30, $"queue {first.MeanQueue:F1} then {later.MeanQueue:F1}");
        Assert.True(nv.MinRttUs > 80_000, $"min RTT {nv.MinRttUs} us");
        Assert.Equal(0, sender.Statistics.TotalRetransmissions);
    }

    [Fact]
    public void ALossTakesCwndToEightyPercent()
    {
        var window = new CongestionWindow { Cwnd = 100 };

        // tcpnv_recalc_ssthresh(): cwnd * 819 >> 10, at least 2.
        Assert.Equal(79u, new Nv().Ssthresh(window));
        window.Cwnd = 2;
        Assert.Equal(2u, new Nv().Ssthresh(window));
    }
}
