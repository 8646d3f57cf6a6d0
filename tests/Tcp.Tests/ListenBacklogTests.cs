using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Tests;

/// <summary>listen()'s backlog (Linux tcp_conn_request(), sk_acceptq_is_full()): a full accept queue drops new SYNs.</summary>
public class ListenBacklogTests
{
    [Fact]
    public void WithTheAcceptQueueFullASynIsDroppedUntilTheApplicationAccepts()
    {
        var net = new TwoHostNetwork(delayMs: 10);
        var synsSeen = 0;
        net.Forward.TransmissionStarted = (_, p) => synsSeen += p.Flags == TcpFlags.Syn ? 1 : 0;
        var listener = net.ServerStack.Listen(80, backlog: 0);

        // Backlog 0 holds one child (the queue is full only beyond the backlog, as Linux's '>' test).
        var first = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(100));
        var second = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(500));

        Assert.Equal(TcpState.Established, first.State);
        Assert.Equal(TcpState.SynSent, second.State);
        Assert.Equal(1, listener.AcceptQueueLength);

        // Accepting frees the queue; the second SYN's retransmission after the 1 s initial RTO gets in.
        Assert.Equal(first.LocalPort, listener.Accept()!.RemotePort);
        net.Simulation.Run(SimTime.FromMilliseconds(1200));

        Assert.Equal(TcpState.Established, second.State);
        Assert.Equal(3, synsSeen);
        Assert.Equal(1, listener.AcceptQueueLength);
    }
}
