using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Tests;

/// <summary>
/// SYN cookies (Linux net/ipv4/syncookies.c, tcp_conn_request()): the cookie's arithmetic, and a
/// listener whose request queue overflows answering with cookies instead of dropping SYNs.
/// </summary>
public class SynCookieTests
{
    private static readonly Ipv4Address Peer = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address Local = Ipv4Address.Parse("10.0.0.2");
    private static readonly SynCookies Cookies = new(0x0123456789ABCDEF, 0xFEDCBA9876543210);

    [Theory]
    [InlineData(1460, 1460)]
    [InlineData(9000, 1460)]
    [InlineData(1459, 1440)]
    [InlineData(1300, 1300)]
    [InlineData(1000, 536)]
    // msstab[0] is the floor: a SYN announcing less is still given 536 (__cookie_v4_init_sequence()).
    [InlineData(500, 536)]
    public void TheCookieCarriesThePeersMssRoundedDownToTheTable(int announced, int carried)
    {
        var (cookie, mss) = Cookies.Make(Peer, Local, 40000, 80, 1000, announced, minute: 7);

        Assert.Equal(carried, mss);
        Assert.Equal(carried, Cookies.Check(Peer, Local, 40000, 80, 1000, cookie, minute: 7));
    }

    [Fact]
    public void ACookieIsGoodForTwoMinuteChangesAndOnlyForItsOwnSynAndFourTuple()
    {
        // The peer's ISN is added, not hashed: one a little off shifts the MSS index, as in Linux;
        // the index past the table's end (the cookie plus one) or one far off is refused.
        var (cookie, _) = Cookies.Make(Peer, Local, 40000, 80, 1000, 1460, minute: 7);

        Assert.Equal(1460, Cookies.Check(Peer, Local, 40000, 80, 1000, cookie, minute: 8));
        Assert.Equal(0, Cookies.Check(Peer, Local, 40000, 80, 1000, cookie, minute: 9));
        Assert.Equal(0, Cookies.Check(Peer, Local, 40000, 80, 101_000, cookie, minute: 7));
        Assert.Equal(0, Cookies.Check(Peer, Local, 40001, 80, 1000, cookie, minute: 7));
        Assert.Equal(0, Cookies.Check(Peer, Local, 40000, 80, 1000, cookie + 1, minute: 7));
    }

    [Theory]
    [InlineData(7, true, false)]
    [InlineData(14, false, true)]
    [InlineData(null, true, true)]
    [InlineData(0, false, false)]
    public void TheTimestampCarriesTheSynsOptionsAndIsNeverAheadOfTheClock(int? scale, bool sack, bool ecn)
    {
        foreach (var now in new uint[] { 64, 100, 127, 100_000, 100_063 })
        {
            var ts = SynCookies.Timestamp(now, scale, sack, ecn);

            Assert.InRange(now - ts, 0u, 63u);
            Assert.Equal((scale, sack, ecn), SynCookies.DecodeTimestamp(ts));
        }
    }

    /// <summary>Three clients at once to a listener with backlog 1, over a 50 ms path so that requests wait.</summary>
    private static (TwoHostNetwork Net, TcpConnection Listener, TcpConnection[] Clients) ThreeAtOnce(int synCookies)
    {
        var settings = TcpSettings.Linux with { SynCookies = synCookies };
        var net = new TwoHostNetwork(delayMs: 50, settings: settings);
        var listener = net.ServerStack.Listen(80, backlog: 1);
        listener.Accepted = _ => { };
        var clients = Enumerable.Range(0, 3).Select(_ => net.ClientStack.Connect(net.Server.Address, 80)).ToArray();
        return (net, listener, clients);
    }

    [Fact]
    public void ASynBeyondTheBacklogOfWaitingRequestsIsAnsweredWithACookieAndItsAckOpensTheConnection()
    {
        var (net, listener, clients) = ThreeAtOnce(synCookies: 1);
        var synAcks = 0;
        net.Reverse.TransmissionStarted = (_, p) => synAcks += p.Flags == (TcpFlags.Syn | TcpFlags.Ack) ? 1 : 0;

        net.Simulation.Run(SimTime.FromMilliseconds(60));

        // The first two SYNs made requests (the queue is full only beyond the backlog); the third got a cookie.
        Assert.Equal(2, listener.RequestQueueLength);
        Assert.Equal(1, net.ServerStack.SynCookiesSent);
        Assert.Equal(1, net.ServerStack.RequestQueueFullCookies);

        net.Simulation.Run(SimTime.FromMilliseconds(300));

        Assert.All(clients, c => Assert.Equal(TcpState.Established, c.State));
        Assert.Equal(3, synAcks);
        Assert.Equal(1, net.ServerStack.SynCookiesReceived);
        Assert.Equal(0, listener.RequestQueueLength);
        Assert.Equal(3, net.ServerStack.PassiveOpens);
    }

    [Fact]
    public void WithCookiesOffTheSynBeyondTheBacklogIsDroppedAndGetsInOnlyWhenRetransmitted()
    {
        var (net, _, clients) = ThreeAtOnce(synCookies: 0);

        net.Simulation.Run(SimTime.FromMilliseconds(300));

        Assert.Equal(TcpState.SynSent, clients[2].State);
        Assert.Equal(1, net.ServerStack.RequestQueueFullDrops);
        Assert.Equal(0, net.ServerStack.SynCookiesSent);

        net.Simulation.Run(SimTime.FromMilliseconds(1300));

        Assert.Equal(TcpState.Established, clients[2].State);
    }

    [Fact]
    public void UnderForcedCookiesAChildSendsAtTheTablesMssAndStillNegotiatesTimestampsSackAndScaling()
    {
        var client = TcpSettings.Linux with { Mss = 1000 };
        var server = TcpSettings.Linux with { SynCookies = 2 };
        var net = new TwoHostNetwork(delayMs: 10, settings: client, serverSettings: server);
        TcpConnection? child = null;
        net.ServerStack.Listen(80).Accepted = c => child = c;
        var connection = net.ClientStack.Connect(net.Server.Address, 80);

        net.Simulation.Run(SimTime.FromMilliseconds(100));

        Assert.Equal(TcpState.Established, connection.State);
        Assert.NotNull(child);
        Assert.Equal(536 - 12, child.Mss);
        Assert.True(child.TimestampsAgreed);
        Assert.True(child.SackAgreed);
        Assert.Equal(connection.RcvWscale, child.SndWscale);
        Assert.Equal(child.RcvWscale, connection.SndWscale);
        Assert.Equal(1, net.ServerStack.SynCookiesReceived);
    }
}
