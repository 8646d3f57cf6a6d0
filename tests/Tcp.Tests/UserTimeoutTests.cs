using NetSim.Sim.Kernel;

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
        var keepAlive = new KeepAliveClient();
        var net = keepAlive.Net;
        var client = keepAlive.Connection;
        Assert.Equal(0, client.SetUserTimeout(userTimeoutMs));
        var established = SimTime.Never;
        var closed = SimTime.Never;
        client.Established = _ => established = net.Simulation.Now;
        client.Closed = _ => closed = net.Simulation.Now;

        net.Simulation.Run(SimTime.FromSeconds(120));

        Assert.Equal("ETIMEDOUT", client.Error);
        Assert.InRange((closed - established).TotalSeconds, abortAfterSeconds - 0.1, abortAfterSeconds + 0.1);
    }

    [Fact]
    public void ANegativeUserTimeoutIsRefused() =>
        Assert.Equal(TcpConnection.InvalidArgument, new TwoHostNetwork().ClientStack.Connect(Sim.Network.Ipv4Address.Parse("10.0.0.2"), 80).SetUserTimeout(-1));
}
