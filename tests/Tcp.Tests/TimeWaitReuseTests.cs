using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>connect() taking over a TIME-WAIT socket's 4-tuple (Linux tcp_twsk_unique(), tcp_tw_reuse), and the ports it chooses from.</summary>
public class TimeWaitReuseTests
{
    private static readonly LocalBinding OnePort = new(Range: new PortRange(40000, 40000));

    /// <summary>A client whose one connection from port 40000 has closed, the client first: its socket is in TIME-WAIT.</summary>
    private sealed class ClosedOnce
    {
        public ClosedOnce(TcpSettings settings, bool timestamps = true)
        {
            Net = new TwoHostNetwork(settings: settings with { Timestamps = timestamps });
            new SinkApplication(Net.ServerStack, 80, Net.Settings).Install();
            Net.Forward.TransmissionStarted = (_, p) => Sent.Add((Net.Simulation.Now, p.Flags, p.SequenceNumber, p.HasTimestamps ? p.TsVal : 0, p.HasTimestamps ? p.TsEcr : 0));
            Net.Reverse.TransmissionStarted = (_, p) => Received.Add((p.Flags, p.HasTimestamps ? p.TsVal : 0));
            Old = Net.ClientStack.Connect(Net.Server.Address, 80, binding: OnePort);
            Old.Established = c => c.Close();
            Net.Simulation.Run(SimTime.FromSeconds(1));
            Assert.Equal(TcpState.TimeWait, Old.State);
            OldSndNxt = Old.SndNxt;

            // The client's last segment acknowledged the server's FIN, which put it in TIME-WAIT.
            EnteredTimeWait = Sent[^1].At;
        }

        public TwoHostNetwork Net { get; }
        public TcpConnection Old { get; }
        public SequenceNumber OldSndNxt { get; }
        public SimTime EnteredTimeWait { get; }
        public List<(SimTime At, TcpFlags Flags, uint Seq, uint TsVal, uint TsEcr)> Sent { get; } = [];
        public List<(TcpFlags Flags, uint TsVal)> Received { get; } = [];

        public TcpConnection Reconnect(LocalBinding binding) => Net.ClientStack.Connect(Net.Server.Address, 80, binding: binding);
    }

    private static TcpSettings Reuse(int mode, int delayMs = 1000) =>
        TcpSettings.Linux with { TimeWaitReuse = mode, TimeWaitReuseDelay = SimTime.FromMilliseconds(delayMs) };

    [Fact]
    public void ATakenOverTupleStartsPastTheOldSequenceSpaceEchoingItsTsRecent()
    {
        var closed = new ClosedOnce(Reuse(1));
        var oldClosedEvents = 0;
        closed.Old.Closed = _ => oldClosedEvents++;
        closed.Net.Simulation.Run(closed.EnteredTimeWait + SimTime.FromMilliseconds(1100));
        var lastTsFromServer = closed.Received.Last(r => r.TsVal != 0).TsVal;
        var lastTsSent = closed.Sent.Last().TsVal;

        var again = closed.Reconnect(OnePort);
        closed.Net.Simulation.Run(closed.Net.Simulation.Now + SimTime.FromSeconds(1));

        // tcp_twsk_unique(): write_seq = tw_snd_nxt + 65535 + 2; ts_recent from the timewait socket, which the SYN echoes.
        Assert.Equal(closed.OldSndNxt + 65537, again.Iss);
        var syn = closed.Sent.Last(s => s.Flags == TcpFlags.Syn);
        Assert.Equal(again.Iss.Value, syn.Seq);
        Assert.Equal(lastTsFromServer, syn.TsEcr);
        // The 4-tuple's timestamp clock goes on: 1.1 s later, 1100 ticks of 1 ms on.
        Assert.InRange(syn.TsVal - lastTsSent, 1099u, 1101u);
        Assert.Equal(TcpState.Established, again.State);
        Assert.Equal(TcpState.Closed, closed.Old.State);
        Assert.Equal(1, oldClosedEvents);
        Assert.Equal(1, closed.Net.ClientStack.TimeWaitRecycled);
        Assert.Same(again, closed.Net.ClientStack.Find(closed.Net.Server.Address, 80, 40000));
    }

    [Theory]
    [InlineData(1, 999, false)]
    [InlineData(1, 1001, true)]
    [InlineData(0, 5000, false)]
    [InlineData(2, 5000, false)]
    public void APortConnectChoosesIsTakenOverOnlyWithReuseOnAndAfterTheDelay(int mode, int waitedMs, bool takenOver)
    {
        var closed = new ClosedOnce(Reuse(mode));
        closed.Net.Simulation.Run(closed.EnteredTimeWait + SimTime.FromMilliseconds(waitedMs));

        if (takenOver)
        {
            Assert.Equal(40000, closed.Reconnect(OnePort).LocalPort);
        }
        else
        {
            Assert.Throws<AddressNotAvailableException>(() => closed.Reconnect(OnePort));
            Assert.Equal(TcpState.TimeWait, closed.Old.State);
        }
    }

    [Fact]
    public void ABoundPortTakesTheTupleAtOnceButNeverWithoutTimestamps()
    {
        var bound = new LocalBinding(Port: 40000);
        var withTimestamps = new ClosedOnce(Reuse(0));
        Assert.Equal(withTimestamps.OldSndNxt + 65537, withTimestamps.Reconnect(bound).Iss);

        var without = new ClosedOnce(Reuse(1, delayMs: 1), timestamps: false);
        without.Net.Simulation.Run(without.EnteredTimeWait + SimTime.FromSeconds(10));
        Assert.Throws<AddressNotAvailableException>(() => without.Reconnect(bound));
        Assert.Throws<AddressNotAvailableException>(() => without.Reconnect(OnePort));
    }

    [Fact]
    public void ConnectPassesOverHeldPortsOfItsRangeAndFailsWhenAllAreHeld()
    {
        var closed = new ClosedOnce(Reuse(0));
        var twoPorts = new LocalBinding(Range: new PortRange(40000, 40001));

        var second = closed.Reconnect(twoPorts);

        Assert.Equal(40001, second.LocalPort);
        Assert.Throws<AddressNotAvailableException>(() => closed.Reconnect(twoPorts));
    }

    [Theory]
    [InlineData(40000, 40010, 40000, 40010)]
    [InlineData(0, 40010, 32768, 40010)]
    [InlineData(40000, 0, 40000, 60999)]
    [InlineData(1000, 40010, 32768, 40010)]
    [InlineData(40000, 65000, 40000, 60999)]
    [InlineData(0, 0, 32768, 60999)]
    public void ASocketRangeReplacesEachEndThatFallsInsideTheHosts(int low, int high, int expectedLow, int expectedHigh)
    {
        var host = new PortRange(32768, 60999);

        var narrowed = host.NarrowedBy(new PortRange((ushort)low, (ushort)high));

        Assert.Equal(new PortRange((ushort)expectedLow, (ushort)expectedHigh), narrowed);
    }

    /// <summary>A server that closes each connection once accepted, so that its side waits in TIME-WAIT, and a client bound to port 40000 that closes once the server has.</summary>
    private sealed class ServerClosesFirst
    {
        public ServerClosesFirst()
        {
            Net = new TwoHostNetwork();
            Net.ServerStack.Listen(80).Accepted = child =>
            {
                Accepted.Add(child);
                child.Close();
            };
            First = Connect();
            Net.Simulation.Run(SimTime.FromSeconds(1));
            Assert.Equal((TcpState.TimeWait, TcpState.Closed), (Accepted[0].State, First.State));
        }

        public TwoHostNetwork Net { get; }
        public TcpConnection First { get; }
        public List<TcpConnection> Accepted { get; } = [];

        public TcpConnection Connect(TcpSettings? settings = null)
        {
            var connection = Net.ClientStack.Connect(Net.Server.Address, 80, settings, binding: new LocalBinding(Port: 40000));
            connection.RemoteClosed = c => c.Close();
            return connection;
        }

        /// <summary>How long after now the connection opened by <paramref name="connect"/> becomes established.</summary>
        public SimTime TimeToEstablish(Func<TcpConnection> connect)
        {
            var start = Net.Simulation.Now;
            var established = SimTime.Never;
            var connection = connect();
            connection.Established = _ => established = Net.Simulation.Now;
            Net.Simulation.Run(start + SimTime.FromSeconds(5));
            return established - start;
        }
    }

    [Fact]
    public void ANewerSynReopensAServersTimeWaitTupleAtOnceWithTheIsnItChose()
    {
        var closed = new ServerClosesFirst();

        // The 4-tuple's timestamp clock runs on and its ISN has moved on with time: the timewait
        // socket takes the SYN for a new connection, and the listener answers with tw_snd_nxt + 65537.
        var handshake = closed.TimeToEstablish(() => closed.Connect());

        Assert.InRange(handshake.TotalMilliseconds, 40, 40.2);
        Assert.Equal(2, closed.Accepted.Count);
        Assert.Equal(closed.Accepted[0].SndNxt + 65537, closed.Accepted[1].Iss);
        Assert.Equal(TcpState.Closed, closed.Accepted[0].State);
    }

    [Fact]
    public void AnOlderSynIsAnsweredByTheTimeWaitSocketAndGetsThroughOnlyOnItsRetransmission()
    {
        var closed = new ServerClosesFirst();
        closed.Net.ClientStack.InitialSequenceNumbers = () => closed.Accepted[0].RcvNxt - 100_000;

        // Neither beyond RCV.NXT nor with a timestamp: the timewait socket acknowledges it, the
        // client resets that ACK, which kills the timewait socket (tcp_rfc1337 is 0), and the
        // SYN retransmitted a second later opens the connection.
        var handshake = closed.TimeToEstablish(() => closed.Connect(closed.Net.Settings with { Timestamps = false }));

        Assert.InRange(handshake.TotalMilliseconds, 1040, 1040.3);
        Assert.Equal(2, closed.Accepted.Count);
        Assert.NotEqual(closed.Accepted[0].SndNxt + 65537, closed.Accepted[1].Iss);
    }

    [Theory]
    [InlineData(1000, true)]
    [InlineData(-10, false)]
    public void ASynFromRcvNxtOnResetsAFinWait2TimewaitSocketAndEndsIt(int fromRcvNxt, bool reset)
    {
        var net = new TwoHostNetwork();
        net.ServerStack.Listen(80).Accepted = _ => { };
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Close();
        net.Simulation.Run(SimTime.FromSeconds(1));
        Assert.Equal(TcpState.FinWait2, client.State);
        var sent = new List<(TcpFlags Flags, uint Ack)>();
        net.Forward.TransmissionStarted = (_, p) => sent.Add((p.Flags, p.AcknowledgmentNumber));

        var syn = net.Network.Pool.Rent();
        syn.Source = net.Server.Address;
        syn.SourcePort = 80;
        syn.Destination = net.Client.Address;
        syn.DestinationPort = client.LocalPort;
        syn.Flags = TcpFlags.Syn;
        syn.SequenceNumber = (client.RcvNxt + fromRcvNxt).Value;
        syn.Window = 65535;
        net.ClientStack.HandlePacket(syn);
        net.Simulation.Run(net.Simulation.Now + SimTime.FromMilliseconds(10));

        // Out of the window the timewait socket only acknowledges it.
        var answer = Assert.Single(sent);
        Assert.Equal(reset ? TcpFlags.Rst | TcpFlags.Ack : TcpFlags.Ack, answer.Flags);
        Assert.Equal(reset ? TcpState.Closed : TcpState.FinWait2, client.State);
        if (reset)
        {
            Assert.Equal((client.RcvNxt + fromRcvNxt + 1).Value, answer.Ack);
            Assert.Null(net.ClientStack.Find(net.Server.Address, 80, client.LocalPort));
        }
    }

    /// <summary>What a segment does to a socket in TIME-WAIT.</summary>
    public enum TimeWaitOutcome
    {
        /// <summary>The 2*MSL wait starts again (for an old ACK, only while tcp_rfc1337 keeps the peer's reset from ending it).</summary>
        Restarted,

        /// <summary>Nothing: the wait ends when it would have.</summary>
        Unchanged,

        /// <summary>The socket answers it, the closed peer resets that answer, and the RST ends the wait (RFC 1337's assassination, tcp_rfc1337 0).</summary>
        Assassinated,
    }

    // tcp_timewait_state_process(): in TIME-WAIT only a bare ACK exactly at RCV.NXT is in the
    // window; any other ACK is answered (and restarts the wait), and the closed peer resets the
    // answer. A RST off RCV.NXT is dropped.
    [Theory]
    [InlineData(0, TcpFlags.Ack, TimeWaitOutcome.Restarted)]
    [InlineData(5, TcpFlags.Ack, TimeWaitOutcome.Assassinated)]
    [InlineData(-5, TcpFlags.Ack, TimeWaitOutcome.Assassinated)]
    [InlineData(-5, TcpFlags.Ack, TimeWaitOutcome.Restarted, true)]
    [InlineData(5, TcpFlags.Rst, TimeWaitOutcome.Unchanged)]
    public void ABareAckAtRcvNxtRestartsTimeWaitAndAnyOtherDrawsTheClosedPeersReset(int fromRcvNxt, TcpFlags flags, TimeWaitOutcome outcome, bool rfc1337 = false)
    {
        var closed = new ClosedOnce(Reuse(0) with { Rfc1337 = rfc1337 });
        var net = closed.Net;
        var closedAt = SimTime.Never;
        closed.Old.Closed = _ => closedAt = net.Simulation.Now;
        var ackedAt = closed.EnteredTimeWait + SimTime.FromSeconds(30);
        net.Simulation.Run(ackedAt);

        var ack = net.Network.Pool.Rent();
        ack.Source = net.Server.Address;
        ack.SourcePort = 80;
        ack.Destination = net.Client.Address;
        ack.DestinationPort = closed.Old.LocalPort;
        ack.Flags = flags;
        ack.SequenceNumber = (closed.Old.RcvNxt + fromRcvNxt).Value;
        ack.AcknowledgmentNumber = closed.Old.SndNxt.Value;
        ack.Window = 65535;
        net.ClientStack.HandlePacket(ack);
        net.Simulation.Run(net.Simulation.Now + SimTime.FromSeconds(120));

        switch (outcome)
        {
            case TimeWaitOutcome.Restarted:
                Assert.Equal(ackedAt + SimTime.FromSeconds(60), closedAt);
                break;
            case TimeWaitOutcome.Unchanged:
                Assert.Equal(closed.EnteredTimeWait + SimTime.FromSeconds(60), closedAt);
                break;
            default:
                Assert.InRange((closedAt - ackedAt).TotalMilliseconds, 40, 41);
                break;
        }
    }
}
