using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>TCP Hybla (net/ipv4/tcp_hybla.c): a long-RTT flow grows in time as one with a 25 ms RTT would.</summary>
public class HyblaTests
{
    [Fact]
    public void OnASatellitePathHyblaGrowsAsAShortRttFlowWouldAndOutrunsReno()
    {
        // 10 Mbit/s with a 500 ms round trip (a geostationary hop) and 0.05% random loss: rho is
        // 20, so congestion avoidance adds 400 / cwnd segments per ACK where Reno adds 1 / cwnd.
        var (hybla, rho) = Run("hybla");
        var (reno, _) = Run("reno");

        Assert.Equal(20u, rho);
        Assert.True(hybla > 2 * reno, $"Hybla {hybla / 1e6:F2} against Reno {reno / 1e6:F2} Mbit/s");
    }

    private static (double GoodputBps, uint Rho) Run(string congestion)
    {
        var settings = TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 16 << 20, SendBuffer = 16 << 20 };
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 250, forwardLoss: 0.0005, queuePackets: 500, settings: settings);
        var (sink, sender) = net.StartBulk();
        net.Simulation.Run(SimTime.FromSeconds(20));
        var before = sink.BytesReceived;
        net.Simulation.Run(SimTime.FromSeconds(120));
        return ((sink.BytesReceived - before) * 8 / 100.0, sender.Connection!.Congestion is Hybla hybla ? hybla.Rho : 0);
    }
}
