using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Tests;

/// <summary>
/// The keepalive timer against setsockopt(): only SO_KEEPALIVE and TCP_KEEPIDLE re-arm it (Linux
/// tcp_set_keepalive() and tcp_sock_set_keepidle_locked()); TCP_KEEPINTVL, TCP_KEEPCNT and every
/// other option leave a probe already scheduled where it is.
/// </summary>
public class KeepAliveTests
{
    /// <summary>
    /// The keepalive client probes from 10 s, every 5 s; <paramref name="change"/> replaces its
    /// settings at 17 s. Returns when each probe left.
    /// </summary>
    private static List<double> ProbeTimes(Func<TcpSettings, TcpSettings> change)
    {
        var keepAlive = new KeepAliveClient();
        var net = keepAlive.Net;
        var client = keepAlive.Connection;
        var probes = new List<double>();
        net.Simulation.Schedule(SimTime.FromSeconds(1), () => net.Forward.TransmissionStarted = (_, _) => probes.Add(net.Simulation.Now.TotalSeconds));
        net.Simulation.Schedule(SimTime.FromSeconds(17), () => client.Settings = change(client.Settings));

        net.Simulation.Run(SimTime.FromSeconds(40));
        return probes;
    }

    [Fact]
    public void AnotherOptionLeavesTheNextProbeWhereItWas()
    {
        var probes = ProbeTimes(s => s with { MinRto = SimTime.FromMilliseconds(50), KeepAliveProbes = 7, KeepAliveInterval = SimTime.FromSeconds(6) });

        // Probes at 10.04, 15.04, 20.04 (the new interval applies from the probe after), 26.04, 32.04, 38.04.
        Assert.Equal([10.04, 15.04, 20.04, 26.04, 32.04, 38.04], probes.Select(t => Math.Round(t, 2)));
    }

    [Fact]
    public void ANewIdleTimeRearmsTheTimerForWhatIsLeftOfIt()
    {
        var probes = ProbeTimes(s => s with { KeepAliveTime = SimTime.FromSeconds(20) });

        // At 17 s the connection has been idle 16.96 s of the new 20: the next probe goes at 20.04.
        Assert.Equal([10.04, 15.04, 20.04, 25.04, 30.04, 35.04], probes.Select(t => Math.Round(t, 2)));
    }
}
