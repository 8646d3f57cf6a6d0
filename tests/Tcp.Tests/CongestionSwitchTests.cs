namespace NetSim.Tcp.Tests;

/// <summary>setsockopt(TCP_CONGESTION) on a live connection (Linux tcp_set_congestion_control()).</summary>
public class CongestionSwitchTests
{
    [Fact]
    public void AnEstablishedConnectionSwitchesAlgorithmKeepingItsWindow()
    {
        var net = new TwoHostNetwork(rateBps: 100_000_000);
        var sink = new Apps.SinkApplication(net.ServerStack, 5001, net.Settings);
        sink.Install();
        var sender = new Apps.BulkSendApplication(net.ClientStack, net.Server.Address, 5001, net.Settings, "bulk");
        sender.Install();
        net.Simulation.Run(Sim.Kernel.SimTime.FromSeconds(1));
        var connection = sender.Connection!;
        var cwnd = connection.Window.Cwnd;

        Assert.Equal("cubic", connection.Congestion.Name);
        Assert.Equal(0, connection.SetCongestionControl("vegas"));
        Assert.Equal("vegas", connection.Congestion.Name);
        Assert.Equal(cwnd, connection.Window.Cwnd);
        Assert.Equal(TcpConnection.NoSuchAlgorithm, connection.SetCongestionControl("bbr9"));
        Assert.Equal("vegas", connection.Congestion.Name);

        net.Simulation.Run(Sim.Kernel.SimTime.FromSeconds(3));
        Assert.Equal(0, sink.OrderViolations);
        Assert.True(sink.BytesReceived > 1_000_000);
    }
}
