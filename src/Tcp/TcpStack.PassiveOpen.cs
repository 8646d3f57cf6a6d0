using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// Passive opens: what a listener does with the segments that find no connection of their own
/// (tcp_v4_rcv() to tcp_conn_request() and cookie_v4_check()), and the counts Linux keeps of them.
/// </summary>
public sealed partial class TcpStack
{
    /// <summary>SYNs a listener took, each a new connection (TCP_MIB_PASSIVEOPENS).</summary>
    public long PassiveOpens { get; private set; }

    /// <summary>
    /// RFC 9293 §3.10.7.2 LISTEN: a RST is ignored and an ACK answered with a RST, as in CLOSED,
    /// unless it carries a SYN cookie; a SYN starts a passive open unless the accept queue is full,
    /// with <paramref name="iss"/> when a timewait socket chose it. Linux tcp_conn_request(): a SYN
    /// that finds the request queue over the backlog (or any SYN under tcp_syncookies = 2) is
    /// answered with a cookie and no request kept, or dropped with cookies off
    /// (TCPReqQFullDoCookies, TCPReqQFullDrop); one that finds the accept queue full is dropped
    /// (ListenOverflows). A timewait socket's SYN always gets a request.
    /// </summary>
    private void OnSegmentForListener(TcpConnection listener, ConnectionKey key, Packet packet, SequenceNumber? iss = null)
    {
        if ((packet.Flags & (TcpFlags.Rst | TcpFlags.Ack)) != 0)
        {
            if (!AcceptSynCookie(listener, key, packet))
            {
                OnSegmentForNoConnection(packet);
            }

            return;
        }

        if ((packet.Flags & TcpFlags.Syn) == 0)
        {
            return;
        }

        var cookies = listener.Settings.SynCookies;
        var wantCookie = false;
        if (iss is null && (cookies == 2 || listener.RequestQueueFull))
        {
            if (cookies == 0)
            {
                RequestQueueFullDrops++;
                return;
            }

            wantCookie = true;
            RequestQueueFullCookies++;
        }

        if (listener.AcceptQueueFull)
        {
            ListenOverflows++;
            return;
        }

        // tcp_conn_request(): the request's txhash, which the child keeps.
        var child = NewChild(listener, packet, wantCookie ? null : packet, NextTxHash());
        if (wantCookie)
        {
            SynCookiesSent++;
            child.AnswerSynWithCookie(packet, Cookies);
            return;
        }

        PassiveOpens++;
        ConnectionCreated?.Invoke(child);
        _connections.Add(key, child);
        child.AcceptSyn(packet, iss ?? InitialSequence(packet.Source, packet.SourcePort, packet.DestinationPort));
    }

    /// <summary>
    /// Linux cookie_v4_check(): an ACK for a listener that sent cookies within the last two
    /// minutes may carry one; if its acknowledgment less one is a good cookie for its 4-tuple and
    /// sequence number, and its TSecr names no option this host has turned off, the child is
    /// rebuilt from it and the ACK completes the handshake (SyncookiesRecv); a bad cookie counts
    /// SyncookiesFailed and the ACK is answered with a RST. With the accept queue full the child
    /// is not made and the ACK dropped (tcp_v4_syn_recv_sock(): ListenOverflows). Returns whether
    /// the ACK was taken or dropped here.
    /// </summary>
    private bool AcceptSynCookie(TcpConnection listener, ConnectionKey key, Packet ack)
    {
        var settings = listener.Settings;
        if (settings.SynCookies == 0 || (ack.Flags & (TcpFlags.Ack | TcpFlags.Rst | TcpFlags.Syn)) != TcpFlags.Ack
            || !listener.SentSynCookiesRecently)
        {
            return false;
        }

        var mss = Cookies.Check(ack.Source, Host.Address, ack.SourcePort, ack.DestinationPort, ack.SequenceNumber - 1,
            ack.AcknowledgmentNumber - 1, SynCookies.Minute(Simulation.Now));
        if (mss == 0)
        {
            SynCookiesFailed++;
            return false;
        }

        SynCookiesReceived++;
        var options = ack.HasTimestamps && ack.TsEcr != 0
            ? SynCookies.DecodeTimestamp(unchecked(ack.TsEcr - TimestampOffset(settings, ack.Source, ack.SourcePort, ack.DestinationPort)))
            : (null, false, false);

        // cookie_timestamp_decode(): a cookie naming an option the host has turned off since is void.
        if (ack.HasTimestamps && (!settings.Timestamps || (options.Sack && !settings.Sack) || (options.PeerWindowScale is not null && !settings.WindowScaling)))
        {
            return false;
        }

        if (listener.AcceptQueueFull)
        {
            ListenOverflows++;
            return true;
        }

        PassiveOpens++;
        var child = NewChild(listener, ack, syn: null, NextTxHash());
        ConnectionCreated?.Invoke(child);
        _connections.Add(key, child);
        child.AcceptCookieAck(ack, mss, options);
        child.OnSegment(ack);
        return true;
    }

    /// <summary>A connection for <paramref name="listener"/>'s port, to the sender of <paramref name="packet"/>, with what it inherits.</summary>
    private TcpConnection NewChild(TcpConnection listener, Packet packet, Packet? syn, uint txHash)
    {
        var child = new TcpConnection(this, listener.Settings, packet.Source, packet.DestinationPort, packet.SourcePort) { SockOps = SockOps };
        child.Name = listener.Name;
        child.Listener = listener;
        child.InheritFromListener(listener, syn);
        child.TxHash = txHash;
        return child;
    }

    /// <summary>The host's SYN cookie keys, drawn for its first cookie from a stream of their own (syncookie_secret).</summary>
    private SynCookies Cookies
    {
        get
        {
            if (_cookies is null)
            {
                var stream = Simulation.Random.Get($"tcp-syncookies/{Host.Name}");
                _cookies = new SynCookies((ulong)stream.NextInt64(long.MinValue, long.MaxValue), (ulong)stream.NextInt64(long.MinValue, long.MaxValue));
            }

            return _cookies;
        }
    }

    private SynCookies? _cookies;

    /// <summary>SYN-ACKs sent with a cookie (LINUX_MIB_SYNCOOKIESSENT).</summary>
    public long SynCookiesSent { get; private set; }

    /// <summary>ACKs that brought back a good cookie (LINUX_MIB_SYNCOOKIESRECV).</summary>
    public long SynCookiesReceived { get; private set; }

    /// <summary>ACKs checked for a cookie that was not good (LINUX_MIB_SYNCOOKIESFAILED).</summary>
    public long SynCookiesFailed { get; private set; }

    /// <summary>SYNs answered with a cookie for want of a request (LINUX_MIB_TCPREQQFULLDOCOOKIES).</summary>
    public long RequestQueueFullCookies { get; private set; }

    /// <summary>SYNs dropped for want of a request, cookies being off (LINUX_MIB_TCPREQQFULLDROP).</summary>
    public long RequestQueueFullDrops { get; private set; }

    /// <summary>SYNs and handshake-completing ACKs dropped for a full accept queue (LINUX_MIB_LISTENOVERFLOWS).</summary>
    public long ListenOverflows { get; internal set; }
}
