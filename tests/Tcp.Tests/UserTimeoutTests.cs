using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>TCP_USER_TIMEOUT (RFC 5482) in Linux's keepalive timer: once a probe is out, the user timeout replaces the probe count.</summary>
public class UserTimeoutTests
{
    [Theory]
    [InlineData(0, 55.0)]
    [InlineData(20_000, 20.0)]
    public void AKeepaliveProbedPeerThatVanishedIsDroppedAtTheUserTimeoutOrAfterTheProbes(int userTimeoutMs, double abortAfterSeconds)
    {
        // Idle 10 s, then a probe every 5 s; nine unanswered probes end it at 55 s, or the user timeout of 20 s since the last segment heard.
        var loss = new ScheduledLoss();
        var settings = TcpSettings.Linux with
        {
            KeepAlive = true,
            KeepAliveTime = SimTime.FromSeconds(10),
            KeepAliveInterval = SimTime.FromSeconds(5),
            KeepAliveProbes = 9,
        };
        var net = new TwoHostNetwork(forwardLossModel: loss, settings: settings, serverSettings: TcpSettings.Linux);
        new SinkApplication(net.ServerStack, 80, TcpSettings.Linux).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        Assert.Equal(0, client.SetUserTimeout(userTimeoutMs));
        var established = SimTime.Never;
        var closed = SimTime.Never;
        client.Established = _ => established = net.Simulation.Now;

        // Once the server has the handshake's last ACK, the client's segments stop arriving.
        net.Simulation.Schedule(SimTime.FromSeconds(1), () => loss.Outage = true);
        client.Closed = _ => closed = net.Simulation.Now;

        net.Simulation.Run(SimTime.FromSeconds(120));

        Assert.Equal("ETIMEDOUT", client.Error);
        Assert.InRange((closed - established).TotalSeconds, abortAfterSeconds - 0.1, abortAfterSeconds + 0.1);
    }

    [Fact]
    public void ANegativeUserTimeoutIsRefused() =>
        Assert.Equal(TcpConnection.InvalidArgument, new TwoHostNetwork().ClientStack.Connect(Sim.Network.Ipv4Address.Parse("10.0.0.2"), 80).SetUserTimeout(-1));
}
