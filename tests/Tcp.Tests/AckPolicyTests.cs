using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>How often the receiver acknowledges (RFC 5681 §4.2, RFC 9293 §3.8.6.3) and how the sender counts ACKs (RFC 3465).</summary>
public class AckPolicyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AckEverySegmentSendsOneAckPerSegmentWhereLinuxAcksEverySecond(bool ackEverySegment)
    {
        // The default 64 KiB buffer starts at its largest window: no quick ACKs for window growth (tcp_grow_window()).
        var settings = TcpSettings.Linux with { AckEverySegment = ackEverySegment, QuickAcks = 0 };
        var net = new TwoHostNetwork(rateBps: 100_000_000, settings: settings);
        var sink = new SinkApplication(net.ServerStack, 5001, settings);
        sink.Install();
        new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk") { MaxBytes = 1448 * 1000 }.Install();

        net.Simulation.Run(SimTime.FromSeconds(10));

        Assert.Equal(1448 * 1000, sink.BytesReceived);
        var data = net.Forward.Statistics.PacketsDelivered;
        var acks = net.Reverse.Statistics.PacketsDelivered;
        if (ackEverySegment)
        {
            Assert.True(acks >= 1000, $"{acks} ACKs for 1000 data segments");
        }
        else
        {
            Assert.InRange(acks, (data / 2) - 5, (data / 2) + 20);
        }
    }

    [Fact]
    public void ALonePushedSegmentIsAcknowledgedAsTheReaderDrainsIt()
    {
        // Linux tcp_cleanup_rbuf(): a reader taking data as it arrives reads after the segment's
        // ACK was left for the delayed-ACK timer; having drained a pushed segment, outside
        // pingpong mode, it sends that ACK at once instead of 40 ms later. The warm-up uses up the
        // quick ACKs; the gap before the lone write is shorter than the RTO, so none are granted again.
        var settings = TcpSettings.Linux;
        var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 10, settings: settings);
        new SinkApplication(net.ServerStack, 80, settings).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80, settings);
        var loneWriteAt = SimTime.Never;
        var ackedAt = SimTime.Never;
        net.Reverse.TransmissionStarted = (_, packet) =>
        {
            if (loneWriteAt != SimTime.Never && ackedAt == SimTime.Never && packet.AcknowledgmentNumber == (client.Iss + 1 + 100_100).Value)
            {
                ackedAt = net.Simulation.Now;
            }
        };

        net.Simulation.Process(Writes());
        IEnumerable<SimEvent> Writes()
        {
            yield return net.Simulation.Timeout(SimTime.FromMilliseconds(100));
            client.Write(100_000);
            yield return net.Simulation.Timeout(SimTime.FromMilliseconds(200));
            loneWriteAt = net.Simulation.Now;
            client.Write(100);
        }

        net.Simulation.Run(SimTime.FromSeconds(2));

        Assert.InRange((ackedAt - loneWriteAt).Milliseconds, 10, 12);
    }
}
