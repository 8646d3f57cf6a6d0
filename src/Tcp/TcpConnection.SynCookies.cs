using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// SYN cookies on both ends of their life: the listener's request queue and the time it last sent
/// one (tcp_synq_overflow()), the SYN-ACK a request socket sends before it is freed
/// (tcp_conn_request() with want_cookie), and the child an ACK carrying a good cookie rebuilds
/// (cookie_v4_check(), tcp_get_cookie_sock()).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>BPF_WRITE_HDR_TCP_SYNACK_COOKIE: HDR_OPT_LEN_CB's and WRITE_HDR_OPT_CB's args[0] for a cookie's SYN-ACK.</summary>
    private const uint SynAckCookie = 2;

    /// <summary>On a listener: requests waiting for the ACK that ends their handshake (inet_csk_reqsk_queue_len()).</summary>
    public int RequestQueueLength { get; private set; }

    /// <summary>Linux inet_csk_reqsk_queue_is_full(): more requests wait than the backlog.</summary>
    internal bool RequestQueueFull => RequestQueueLength > Backlog;

    /// <summary>This request counts in its listener's request queue (a SYN answered without a cookie, not a Fast Open child).</summary>
    private bool _inRequestQueue;

    /// <summary>On a listener: when it last answered a SYN with a cookie (tcp_synq_overflow()'s stamp), or null.</summary>
    private SimTime? _lastSynCookieSent;

    /// <summary>
    /// Linux !tcp_synq_no_recent_overflow(): this listener sent a cookie within the last two
    /// minutes, so an ACK that matches no request may carry one.
    /// </summary>
    internal bool SentSynCookiesRecently => _lastSynCookieSent is { } sent && Simulation.Now - sent <= SynCookies.Validity;

    /// <summary>The SYN-ACK being built answers with a cookie.</summary>
    private bool _answeringWithCookie;

    /// <summary>The cookie SYN-ACK's TSval, which carries the SYN's options (with timestamps).</summary>
    private uint _synCookieTsVal;

    /// <summary>The SYN-ACK's cookie child: no RTT from the SYN-ACK's send time, which no request kept (snt_synack = 0).</summary>
    private bool _synAckFromCookie;

    private void EnterRequestQueue()
    {
        _inRequestQueue = true;
        Listener!.RequestQueueLength++;
    }

    /// <summary>The request completed its handshake or died: its listener's queue has room again (inet_csk_reqsk_queue_removed()).</summary>
    private void LeaveRequestQueue()
    {
        if (_inRequestQueue)
        {
            _inRequestQueue = false;
            Listener!.RequestQueueLength--;
        }
    }

    /// <summary>
    /// tcp_conn_request() with want_cookie: this request socket answers <paramref name="syn"/> with
    /// the cookie as its ISN and is then freed, keeping no state and arming no timer. The cookie
    /// carries the peer's MSS rounded down to the cookie table, which the SYN-ACK's window is
    /// rounded to as well; without a timestamp the SYN's other options are dropped
    /// (tcp_clear_options()), and ECN with them; with one, the TSval carries them. No Fast Open,
    /// no saved SYN and no TIMEOUT_INIT; the header-option callbacks see BPF_WRITE_HDR_TCP_SYNACK_COOKIE.
    /// </summary>
    internal void AnswerSynWithCookie(Packet syn, SynCookies cookies)
    {
        BeginPassiveOpen(new SequenceNumber(syn.SequenceNumber));
        SetPeerMss(syn.MssOption);
        var (cookie, mss) = cookies.Make(RemoteAddress, LocalAddress, RemotePort, LocalPort, syn.SequenceNumber, _mssClamp, SynCookies.Minute(Simulation.Now));
        SetPeerMss(mss);
        var timestamps = Settings.Timestamps && syn.HasTimestamps;
        NegotiateWindowScaling(syn, timestamps && Settings.WindowScaling);
        NegotiateTimestamps(syn, timestamps);
        NegotiateSack(syn, timestamps && Settings.Sack);
        SndWnd = syn.Window;
        Iss = new SequenceNumber(cookie);
        SndUna = Iss;
        SndNxt = Iss + 1;
        InitReceiveWindow();
        AcceptSynEcn(syn, CallSockOps(SockOp.NeedsEcn) == 1);
        if (!timestamps)
        {
            EcnFlags = EcnFlags.None;
        }

        _synCookieTsVal = unchecked(SynCookies.Timestamp(TimestampClock, WindowScalingAgreed ? SndWscale : null, SackAgreed, EcnNegotiated) + _tsOffset);
        _answeringWithCookie = true;
        _synBeingAnswered = syn;
        Transmit(Iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack);
        _synBeingAnswered = null;
        _answeringWithCookie = false;
        Listener!._lastSynCookieSent = Simulation.Now;
    }

    /// <summary>
    /// cookie_v4_check() after the cookie proved good: this child takes the handshake up where
    /// the freed request left it, in SYN-RECEIVED, the peer's MSS the cookie's
    /// (<paramref name="mss"/>); timestamps if the ACK has one, and then window scaling, SACK and
    /// ECN as its TSecr says the SYN had them (Accurate ECN when the ACK's ACE is above 1); the
    /// window computed again from the buffer as tcp_select_initial_window() does, in whole
    /// segments of the cookie's MSS and with no RWND_INIT callback. The ACK itself then completes
    /// the handshake as any other would.
    /// </summary>
    internal void AcceptCookieAck(Packet ack, ushort mss, (int? PeerWindowScale, bool Sack, bool Ecn) options)
    {
        BeginPassiveOpen(new SequenceNumber(ack.SequenceNumber) - 1);
        SetPeerMss(mss);
        NegotiateTimestamps(ack, ack.HasTimestamps);
        SackAgreed = TimestampsAgreed && options.Sack;
        WindowScalingAgreed = TimestampsAgreed && options.PeerWindowScale is not null;
        SndWscale = WindowScalingAgreed ? Math.Min(options.PeerWindowScale!.Value, MaxWindowScale) : 0;
        RcvWscale = WindowScalingAgreed ? OfferedWindowScale : 0;
        Iss = new SequenceNumber(ack.AcknowledgmentNumber) - 1;
        SndUna = Iss;
        SndNxt = Iss + 1;
        _sndSml = Iss + 1;
        InitReceiveWindow(mss, askProgram: false);
        if (TimestampsAgreed && options.Ecn && Settings.Ecn != 0)
        {
            // cookie_ecn_ok() and cookie_accecn_ok(): the ACK's ACE above 1 means Accurate ECN.
            var accEcn = Ace(ack) > 1;
            EcnFlags = (accEcn ? EcnFlags.AccEcn : EcnFlags.Ok) | LowFromRoute;
            _ectOnSocket = Congestion.NeedsEcn;
        }

        _rtx.Append(new Buffers.SentSegment { Start = Iss, SequenceLength = 1, Syn = true, FirstSent = Simulation.Now });
        _synAckFromCookie = true;
    }
}
