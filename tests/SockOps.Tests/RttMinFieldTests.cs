using NetSim.Sim.Kernel;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// rtt_min reads tp->rtt_min's best sample: ~0U on a full socket that has none yet (tcp_init_sock()
/// resets the filter to ~0U), 0 on a request socket, then the handshake's RTT.
/// </summary>
public class RttMinFieldTests
{
    [Fact]
    public void RttMinIsAllOnesUntilTheHandshakeMeasuresTheFirstRtt()
    {
        var net = new Loopback();
        var seen = new List<(string Side, SockOp Op, uint IsFullSock, uint RttMin)>();
        net.ClientPrograms.Attach(new RecordingProgram { OnRun = skops => { seen.Add(("client", skops.Op, skops.is_fullsock, skops.rtt_min)); return 1; } });
        net.ServerPrograms.Attach(new RecordingProgram { OnRun = skops => { seen.Add(("server", skops.Op, skops.is_fullsock, skops.rtt_min)); return 1; } });
        net.ServerStack.Listen(80);
        net.ClientStack.Connect(net.Server.Address, 80);

        net.Simulation.Run(SimTime.FromMilliseconds(10));

        Assert.Equal(uint.MaxValue, seen.Single(s => s is ("client", SockOp.TcpConnectCb, _, _)).RttMin);
        Assert.Contains(seen, s => s.IsFullSock == 0);
        Assert.All(seen.Where(s => s.IsFullSock == 0), s => Assert.Equal(0u, s.RttMin));
        // Two 10 us hops and the SYN's and SYN-ACK's transmission at 1 Gbit/s.
        Assert.InRange(seen.Single(s => s is ("client", SockOp.ActiveEstablishedCb, _, _)).RttMin, 20u, 22u);
        Assert.InRange(seen.Single(s => s is ("server", SockOp.PassiveEstablishedCb, _, _)).RttMin, 20u, 22u);
    }
}
