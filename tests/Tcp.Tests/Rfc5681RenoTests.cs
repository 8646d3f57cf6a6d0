using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>Reno growing per ACK as RFC 5681 §3.1 writes it (ns-3's TcpNewReno), against Linux's per-segment Reno.</summary>
public class Rfc5681RenoTests
{
    private static CongestionWindow Window(uint cwnd, uint ssthresh) =>
        new() { Cwnd = cwnd, Ssthresh = ssthresh, IsCwndLimited = true };

    [Fact]
    public void SlowStartAddsOneSegmentPerAckHoweverManySegmentsItAcknowledges()
    {
        var window = Window(10, CongestionWindow.InfiniteSsthresh);
        new Rfc5681Reno().CongestionAvoid(window, 2);
        Assert.Equal(11u, window.Cwnd);
    }

    [Fact]
    public void AnAckThatEndsSlowStartCountsOnceTowardsAdditiveIncrease()
    {
        var window = Window(11, 12);
        new Rfc5681Reno().CongestionAvoid(window, 4);
        Assert.Equal(12u, window.Cwnd);
        Assert.Equal(1u, window.CwndCount);
    }

    [Fact]
    public void CongestionAvoidanceAddsOneSegmentPerWindowOfAcksNotOfSegments()
    {
        var window = Window(10, 5);
        var reno = new Rfc5681Reno();
        for (var i = 0; i < 9; i++)
        {
            reno.CongestionAvoid(window, 2);
        }

        Assert.Equal(10u, window.Cwnd);
        reno.CongestionAvoid(window, 2);
        Assert.Equal(11u, window.Cwnd);
    }

    [Fact]
    public void TheWindowDoesNotGrowWhenItIsNotTheLimit()
    {
        var window = new CongestionWindow { Cwnd = 10, Ssthresh = 5, IsCwndLimited = false };
        new Rfc5681Reno().CongestionAvoid(window, 2);
        Assert.Equal(10u, window.Cwnd);
    }

    [Fact]
    public void SsthreshIsHalfTheFlightSizeNotHalfTheWindow()
    {
        // 22 segments are all the application has: the second flight (12) stays below cwnd (20).
        var net = new TwoHostNetwork(rateBps: 100_000_000, settings: TcpSettings.Linux with { Congestion = "rfc5681" });
        new SinkApplication(net.ServerStack, 5001, net.Settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, net.Settings, "bulk") { MaxBytes = 22 * 1448 };
        sender.Install();
        net.Simulation.Run(SimTime.FromMilliseconds(100));
        var connection = sender.Connection!;

        Assert.InRange(connection.PacketsOut, 4, (int)connection.Window.Cwnd - 5);
        Assert.Equal((uint)(connection.PacketsOut / 2), connection.Congestion.Ssthresh(connection.Window));
    }

    [Fact]
    public void WithDelayedAcksRandomLossCostsAboutAFactorOfRootTwoAgainstLinuxReno()
    {
        // Mathis et al.: throughput goes as 1/sqrt(b p), b segments per ACK counted towards growth.
        // Linux's Reno counts both segments of a delayed ACK (b = 1); RFC 5681's counts the ACK (b = 2).
        double Goodput(string congestion, ulong seed)
        {
            var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 10, forwardLoss: 5e-4, queuePackets: 1000, seed: seed,
                settings: TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 4 << 20, SendBuffer = 4 << 20 });
            var sink = new SinkApplication(net.ServerStack, 5001, net.Settings);
            sink.Install();
            new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, net.Settings, "bulk").Install();
            net.Simulation.Run(SimTime.FromSeconds(30));
            return sink.BytesReceived;
        }

        var seeds = new ulong[] { 1, 2, 3, 4 };
        var ratio = seeds.Sum(s => Goodput("rfc5681", s)) / seeds.Sum(s => Goodput("reno", s));
        Assert.InRange(ratio, 0.6, 0.85);
    }
}
