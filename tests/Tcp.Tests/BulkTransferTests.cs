using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

public class BulkTransferTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    [InlineData(0.05)]
    public void EveryByteArrivesOnceAndInOrderAndBothSidesClose(double loss)
    {
        var net = new TwoHostNetwork(forwardLoss: loss);
        var (sink, sender) = net.StartBulk(2_000_000);

        net.Simulation.Run(SimTime.FromSeconds(300));

        Assert.Equal(2_000_000, sink.BytesReceived);
        Assert.Equal(0, sink.OrderViolations);
        var client = sender.Connection!;
        var server = sink.Accepted.Single();
        Assert.Equal(0, server.Statistics.IntegrityErrors);
        Assert.Equal(TcpState.Closed, client.State);
        Assert.Equal(TcpState.Closed, server.State);
        // SYN + data + FIN acknowledged.
        Assert.Equal(2_000_002, client.Statistics.BytesAcked);
    }

    [Fact]
    public void ATransferGoesOnPastTwoGibibytesAndTheSequenceWrap()
    {
        // 10 Gbit/s for 4.5 s: some 5.3 GB, past 2^31 stream bytes (where a stream offset taken
        // from SND.UNA - ISS as a 32-bit distance turns negative) and past the sequence number's
        // wrap at 2^32, with the writer kept waiting on a 4 MiB send buffer all along.
        var settings = TcpSettings.Linux with { ReceiveBuffer = 4 << 20, SendBuffer = 4 << 20 };
        var net = new TwoHostNetwork(rateBps: 10_000_000_000, delayMs: 1, queuePackets: 10_000, settings: settings);
        var (sink, sender) = net.StartBulk();

        net.Simulation.Run(SimTime.FromSeconds(3.5));
        var before = sink.BytesReceived;
        net.Simulation.Run(SimTime.FromSeconds(4.5));

        Assert.True(sink.BytesReceived > 5_000_000_000L, $"{sink.BytesReceived} bytes delivered");
        Assert.True((sink.BytesReceived - before) * 8 > 9_000_000_000L, $"{(sink.BytesReceived - before) * 8 / 1e9:F2} Gbit/s in the last second");
        Assert.Equal(0, sink.OrderViolations);
        Assert.InRange(sender.Connection!.Statistics.BytesAcked - 1, sink.BytesReceived - (4 << 20), sink.BytesReceived);
    }
}

public class SinkTests
{
    [Fact]
    public void EachAcceptedConnectionIsCheckedOnItsOwnStream()
    {
        var net = new TwoHostNetwork();
        var sink = new SinkApplication(net.ServerStack, 5001, net.Settings);
        sink.Install();
        for (var i = 0; i < 2; i++)
        {
            new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, net.Settings, $"f{i}") { MaxBytes = 100_000 }.Install();
        }

        net.Simulation.Run(SimTime.FromSeconds(30));

        Assert.Equal(2, sink.Accepted.Count);
        Assert.Equal(200_000, sink.BytesReceived);
        Assert.Equal(0, sink.OrderViolations);
    }
}
