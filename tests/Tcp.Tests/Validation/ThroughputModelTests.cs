using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests.Validation;

/// <summary>
/// Long runs checked against published throughput models, in the "Validation" category:
/// Mathis et al. 1997, "The Macroscopic Behavior of the TCP Congestion Avoidance Algorithm":
/// BW = (MSS / RTT) * C / sqrt(p) with C = sqrt(3/2) for one ACK per segment counted (Linux
/// counts every segment an ACK covers, so delayed ACKs do not slow its growth). The path has
/// ample capacity and buffer, so random loss alone limits the window, as the model assumes.
/// </summary>
[Trait("Category", "Validation")]
public class ThroughputModelTests
{
    private const double RttSeconds = 0.040;
    private const int SegmentBytes = 1448;

    [Theory]
    [InlineData(0.002)]
    [InlineData(0.005)]
    [InlineData(0.01)]
    [InlineData(0.02)]
    public void RenoFollowsTheMathisModel(double lossRate)
    {
        var measured = GoodputBitsPerSecond("reno", lossRate);
        var predicted = SegmentBytes * 8 / RttSeconds * Math.Sqrt(1.5) / Math.Sqrt(lossRate);

        // The model ignores timeouts and the loss of retransmissions, which matter more as p grows: within 15%.
        Assert.InRange(measured / predicted, 0.85, 1.15);
    }

    private static double GoodputBitsPerSecond(string congestion, double lossRate)
    {
        var settings = TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20 };
        var net = new TwoHostNetwork(rateBps: 1_000_000_000, delayMs: 20, queuePackets: 100_000, settings: settings, seed: 3, forwardLoss: lossRate);
        var sink = new SinkApplication(net.ServerStack, 80, settings);
        sink.Install();
        new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "f").Install();
        var duration = SimTime.FromSeconds(300);

        net.Simulation.Run(duration);

        Assert.Equal(0, sink.OrderViolations);
        return sink.BytesReceived * 8.0 / duration.TotalSeconds;
    }
}
