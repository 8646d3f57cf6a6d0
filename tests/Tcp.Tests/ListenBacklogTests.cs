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

    /// <summary>
    /// Backlog 1: A's connection waits in the accept queue; B and C send their SYNs together, each
    /// getting a request (one waiting request is not beyond the backlog). B's ACK completes its
    /// handshake and fills the queue; C's ACK then finds it full (ListenOverflows): by default it
    /// is dropped and C's request waits to be answered again, under tcp_abort_on_overflow it is
    /// answered with a RST.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnAckThatFindsTheAcceptQueueFullIsDroppedOrUnderAbortOnOverflowReset(bool abortOnOverflow)
    {
        var settings = TcpSettings.Linux with { AbortOnOverflow = abortOnOverflow };
        var net = new TwoHostNetwork(delayMs: 10, settings: settings);
        var resets = 0;
        net.Reverse.TransmissionStarted = (_, p) => resets += (p.Flags & TcpFlags.Rst) != 0 ? 1 : 0;
        var listener = net.ServerStack.Listen(80, backlog: 1);
        var a = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(100));
        var b = net.ClientStack.Connect(net.Server.Address, 80);
        var c = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(200));

        Assert.Equal((TcpState.Established, TcpState.Established), (a.State, b.State));
        Assert.Equal(2, listener.AcceptQueueLength);
        Assert.Equal(1, net.ServerStack.ListenOverflows);
        if (abortOnOverflow)
        {
            Assert.Equal(1, resets);
            Assert.Equal(TcpState.Closed, c.State);
            Assert.Equal("ECONNRESET", c.Error);
            Assert.Equal(0, listener.RequestQueueLength);
        }
        else
        {
            // C thinks it is connected; its request waits for the next SYN-ACK to be answered.
            Assert.Equal(0, resets);
            Assert.Equal(TcpState.Established, c.State);
            Assert.Equal(1, listener.RequestQueueLength);
        }
    }
}
