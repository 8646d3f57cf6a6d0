using NetSim.Sim.Network;
using NetSim.Tcp.Buffers;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.FastOpen;

namespace NetSim.Tcp;

/// <summary>
/// TCP Fast Open's client side (RFC 7413 §4.1.3 and §4.2.1; Linux tcp_send_syn_data() and
/// tcp_rcv_fastopen_synack()). A connection opened with data (sendto(MSG_FASTOPEN), or the first
/// write after TCP_FASTOPEN_CONNECT) puts as much of it in the SYN as the server's cached MSS
/// allows, less 40 bytes for options middleboxes may add, when it holds the server's cookie (or
/// sends without one, TFO_CLIENT_NO_COOKIE); without a cookie it asks for one and sends the data
/// after the handshake. The SYN and its data are two segments in the retransmission queue: a
/// SYN-ACK that leaves data unacknowledged has it retransmitted at once, as a loss that is no
/// congestion's. The SYN-ACK's MSS and cookie are cached per server (<see cref="FastOpenCookieCache"/>).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>MAX_TCP_OPTION_SPACE: kept free of data in a SYN, for options a middlebox may insert.</summary>
    private const int MaxOptionSpace = 40;

    /// <summary>tcp_min_snd_mss: the smallest MSS __tcp_mtu_to_mss() gives.</summary>
    private const int MinSendMss = 48;

    /// <summary>tp->fastopen_req's size: the bytes the application offered for the SYN, while connect() sends it.</summary>
    private long? _fastOpenOffered;

    /// <summary>tp->syn_fastopen and tp->syn_fastopen_exp: the SYN carried a Fast Open option, and in which form.</summary>
    private bool _synFastOpen;
    private bool _synFastOpenExperimental;

    /// <summary>tp->syn_data: the SYN carried data.</summary>
    private bool _synData;

    /// <summary>fo->copied: the bytes of the application's data the SYN carried.</summary>
    public long FastOpenCopied { get; private set; }

    /// <summary>
    /// sk_write_pending: a blocking writer waits for the handshake, so the SYN-ACK's ACK is held
    /// back to ride on its data (tcp_rcv_synsent_state_process()).
    /// </summary>
    public bool WritePending { get; set; }

    /// <summary>An active open that sends <paramref name="offered"/> bytes of data in its SYN if it can (tcp_sendmsg_fastopen()).</summary>
    internal void ConnectWithData(SequenceNumber iss, long offered)
    {
        _fastOpenOffered = offered;
        Connect(iss);
        _fastOpenOffered = null;
    }

    /// <summary>
    /// Whether a Fast Open connect() to <paramref name="server"/> could put data in its SYN now:
    /// the client side is on and a cookie is cached, or none is needed (tcp_fastopen_cookie_check()).
    /// </summary>
    public static bool CanSendSynData(TcpStack stack, TcpSettings settings, Ipv4Address server) =>
        (settings.FastOpen & FastOpenMode.ClientEnable) != 0
        && ((settings.FastOpen & FastOpenMode.ClientNoCookie) != 0 || stack.FastOpenCookies.Get(server).Cookie.Cookie.Length > 0);

    /// <summary>
    /// Linux tcp_send_syn_data(): the SYN, then a segment of the data it carries, both in the
    /// retransmission queue, sent as one SYN with data and the cookie; or, without a cookie, a SYN
    /// asking for one. The option is left off the SYN's retransmissions.
    /// </summary>
    private void SendSynData(long offered)
    {
        var (cachedMss, cached) = Stack.FastOpenCookies.Get(RemoteAddress);
        var noCookie = (Settings.FastOpen & FastOpenMode.ClientNoCookie) != 0;
        var withData = noCookie || cached.Cookie.Length > 0;
        var option = noCookie ? null : cached;

        // __tcp_mtu_to_mss() of the path MTU, bounded by the server's cached MSS (else our own) and TCP_MAXSEG.
        int clamp = cachedMss != 0 ? cachedMss : AdvertisedMss;
        if (UserMss > 0)
        {
            clamp = Math.Min(clamp, UserMss);
        }

        var pathMss = _pmtuCookie - Packet.Ipv4HeaderBytes - Packet.TcpHeaderBytes;
        var space = withData ? (int)Math.Min(Math.Max(Math.Min(pathMss, clamp), MinSendMss) - MaxOptionSpace, offered) : 0;

        var syn = new SentSegment { Start = Iss, SequenceLength = 1, Syn = true, EndsPacket = true, FirstSent = Simulation.Now };
        _rate.SkbSent(ref syn, PacketsOut, PacketsInFlight, Counts, Simulation.Now);
        _rtx.Append(syn);
        SndNxt = Iss + 1;
        if (space > 0)
        {
            // The data keeps the ACK and PSH flags it would have had alone, for its retransmission.
            var data = new SentSegment
            {
                Start = Iss + 1,
                SequenceLength = space,
                PayloadLength = space,
                StreamOffset = 0,
                Psh = true,
                EndsPacket = true,
                FirstSent = Simulation.Now,
            };
            _rate.SkbSent(ref data, PacketsOut, PacketsInFlight, Counts, Simulation.Now);
            _rtx.Append(data);
            ChronoStart(Chrono.Busy);
            _bytesWritten = space;
            _streamNext = space;
            SndNxt += space;
        }

        FastOpenCopied = space;
        _synData = space > 0;
        _synFastOpen = option is not null;
        _synFastOpenExperimental = option is { Experimental: true };
        _handshakeFastOpen = option;
        Transmit(Iss, space, 0, TcpFlags.Syn);
        _handshakeFastOpen = null;
        ArmRetransmitTimer();
    }

    /// <summary>
    /// Linux tcp_rcv_fastopen_synack(), once the SYN-ACK's ACK is taken: the server's MSS and
    /// cookie go to the cache (an unsolicited cookie is ignored; a request that got no answer makes
    /// the next one try the other form), and SYN data left unacknowledged is retransmitted at once.
    /// Returns true then: the retransmission carries the ACK. A SYN's data acknowledged whole
    /// counts as one segment delivered, not two; data on the SYN-ACK is taken.
    /// </summary>
    private bool OnFastOpenSynAck(Packet synAck)
    {
        var offered = synAck.FastOpen is { } option ? CookieLength(option.Cookie.Length) : -1;
        var cookie = _synFastOpen && offered > 0 ? synAck.FastOpen : null;
        var tryExperimental = FastOpenCookieCache.TryExperimental.None;
        if (_synFastOpen && Statistics.TotalRetransmissions == 0 && offered < 0 && !_synData)
        {
            tryExperimental = _synFastOpenExperimental ? FastOpenCookieCache.TryExperimental.Iana : FastOpenCookieCache.TryExperimental.Experimental;
        }

        // The SYN-ACK's own MSS, not as TCP_MAXSEG clamps it; without the option, mss_clamp's
        // TCP_MSS_DEFAULT from tcp_v4_connect(), or nothing when TCP_MAXSEG had replaced that.
        var mss = synAck.MssOption != 0 ? synAck.MssOption : UserMss > 0 ? (ushort)0 : (ushort)DefaultMss;
        Stack.FastOpenCookies.Set(RemoteAddress, mss, cookie, tryExperimental);
        if (_synData && PacketsOut > 0)
        {
            RetransmitSynData();
            return true;
        }

        SynDataAcked = _synData;
        if (SynDataAcked && Delivered > 1)
        {
            Delivered--;
        }

        TakeSynData(synAck);
        return false;
    }

    /// <summary>tcp_mark_skb_lost() on the unacknowledged SYN data, then tcp_non_congestion_loss_retransmit().</summary>
    private void RetransmitSynData()
    {
        _rtx.MarkLostAfterTimeout(0, Simulation.Now);
        NonCongestionLossRetransmit();
    }
}
