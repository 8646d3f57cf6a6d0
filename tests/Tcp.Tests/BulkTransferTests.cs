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
        var sink = new SinkApplication(net.ServerStack, 5001, net.Settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, net.Settings, "bulk") { MaxBytes = 2_000_000 };
        sender.Install();

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
