using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>CUBIC as Linux tcp_cubic.c (RFC 9438): the reduction, fast convergence, the cubic curve and HyStart.</summary>
public class CubicTests
{
    [Fact]
    public void ALossCutsToBeta717AndFastConvergenceLowersTheNextMaximum()
    {
        var (cubic, net, window) = Established();
        window.Cwnd = 1000;
        Assert.Equal(700u, cubic.Ssthresh(window));

        // A second loss below the last maximum: Wmax = 800 * (1024 + 717) / 2048 = 680, so the
        // curve's plateau sits lower and leaves room to a competing flow (RFC 9438 §4.7). Large
        // windows keep the Reno-friendly region out of the way.
        window.Cwnd = 800;
        Assert.Equal(560u, cubic.Ssthresh(window));
        window.Cwnd = 560;
        window.Ssthresh = 560;
        var plateau = FollowCurve(net, cubic, window, SimTime.FromSeconds(Math.Cbrt((680 - 560) / 0.4) - 0.1));
        Assert.InRange(plateau, 675u, 684u);
    }

    [Fact]
    public void AfterALossTheWindowClimbsBackToItsMaximumInKSecondsThenProbesBeyond()
    {
        var (cubic, net, window) = Established();
        window.Cwnd = 100;
        window.Ssthresh = cubic.Ssthresh(window);
        window.Cwnd = window.Ssthresh;

        // K = cbrt((Wmax - cwnd) / C) = cbrt(30 / 0.4) = 4.22 s; Linux aims one minimum RTT (100 ms) ahead.
        var k = Math.Cbrt(30 / 0.4);
        var atHalfK = FollowCurve(net, cubic, window, SimTime.FromSeconds((k / 2) - 0.1));
        var atK = FollowCurve(net, cubic, window, SimTime.FromSeconds(k / 2));
        var beyond = FollowCurve(net, cubic, window, SimTime.FromSeconds(k));

        // Concave: at K/2 the curve is at Wmax - C (K/2)^3 = 96.25, well past the linear midpoint 85.
        Assert.InRange(atHalfK, 94u, 97u);
        Assert.InRange(atK, 98u, 101u);

        // Convex beyond K: W(2K) = Wmax + C K^3 = 130.
        Assert.InRange(beyond, 126u, 132u);
    }

    [Fact]
    public void HyStartLeavesSlowStartWhenTheQueueBuildsBeforeAnyLoss()
    {
        var settings = TcpSettings.Linux;
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, queuePackets: 1000, settings: settings);
        new SinkApplication(net.ServerStack, 80, settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "f");
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(3));

        var connection = sender.Connection!;
        var cubic = Assert.IsType<Cubic>(connection.Congestion);
        Assert.True(cubic.HystartFound);
        Assert.Equal(0, connection.Statistics.TotalRetransmissions);
        Assert.NotEqual(CongestionWindow.InfiniteSsthresh, connection.Window.Ssthresh);
        Assert.False(connection.Window.InSlowStart);
    }

    /// <summary>An idle established connection, to give CUBIC its clock; the test drives a separate window.</summary>
    private static (Cubic Cubic, TwoHostNetwork Net, CongestionWindow Window) Established()
    {
        var net = new TwoHostNetwork(delayMs: 50);
        net.ServerStack.Listen(80);
        var connection = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(200));
        var cubic = new Cubic();
        cubic.Init(connection);
        cubic.PacketsAcked(connection, 1, 100_000);
        var window = new CongestionWindow { IsCwndLimited = true };
        return (cubic, net, window);
    }

    /// <summary>Feeds one ACK per segment, a window per 100 ms RTT, until <paramref name="elapsed"/> after the loss; returns cwnd.</summary>
    private static uint FollowCurve(TwoHostNetwork net, Cubic cubic, CongestionWindow window, SimTime elapsed)
    {
        var end = net.Simulation.Now + elapsed;
        while (net.Simulation.Now < end)
        {
            net.Simulation.Run(net.Simulation.Now + SimTime.FromNanoseconds(100_000_000 / window.Cwnd));
            cubic.CongestionAvoid(window, 1);
        }

        return window.Cwnd;
    }
}
