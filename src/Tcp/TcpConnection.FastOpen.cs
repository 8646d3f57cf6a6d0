using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.FastOpen;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// TCP Fast Open's server side (RFC 7413; Linux tcp_fastopen.c). A listener that enabled it takes
/// the data of a SYN whose cookie it made: the child socket is created at once, full and in
/// SYN-RECEIVED, queued for accept(), its data readable, and it may send before the handshake
/// ends. Its SYN-ACK is not in the retransmission queue; the child's retransmission timer resends
/// it (tcp_fastopen_synack_timer()) until an ACK ends the request (tcp_rcv_synrecv_state_fastopen()).
/// A SYN asking for a cookie, or bearing a wrong one, gets the right one in the SYN-ACK.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>TCP_FASTOPEN_COOKIE_MIN and TCP_FASTOPEN_COOKIE_MAX: the cookie lengths tcp_parse_fastopen_option() takes.</summary>
    private const int MinCookieLength = 4;
    private const int MaxCookieLength = 16;

    /// <summary>How long a Fast Open request reset by its peer after accept() still counts against the queue (reqsk_fastopen_remove(): 60 s).</summary>
    private static readonly SimTime ResetRequestHold = SimTime.FromSeconds(60);

    /// <summary>On a listener: the keys set by setsockopt(TCP_FASTOPEN_KEY), which take the place of the host's.</summary>
    private FastOpenKeys? _fastOpenKeys;

    /// <summary>On a listener: fastopenq.qlen, the Fast Open children whose handshake has not ended, and those reset after accept() for a while.</summary>
    private int _fastOpenPending;

    /// <summary>On a listener: fastopenq.rskq_rst_head, when each request reset after accept() stops counting.</summary>
    private Queue<SimTime>? _fastOpenResetExpiries;

    /// <summary>
    /// The Fast Open option of the SYN or SYN-ACK about to be sent: the first only, as Linux leaves
    /// it off retransmitted SYN-ACKs (tcp_rtx_synack()) and SYNs (tcp_send_syn_data()).
    /// </summary>
    private FastOpenOption? _handshakeFastOpen;

    /// <summary>
    /// On a listener: fastopenq.max_qlen, the most Fast Open requests whose handshake may be pending
    /// at once; 0 when the listener does not take data from SYNs.
    /// </summary>
    public int FastOpenQueueLimit { get; private set; }

    /// <summary>tp->fastopen_rsk: this Fast Open child's SYN-ACK is not acknowledged yet.</summary>
    public bool FastOpenRequestPending { get; private set; }

    /// <summary>tp->syn_data_acked: the SYN's data was taken (TCPI_OPT_SYN_DATA).</summary>
    public bool SynDataAcked { get; private set; }

    /// <summary>
    /// setsockopt(TCP_FASTOPEN, qlen) on a closed or listening socket: the listener takes SYN data,
    /// with at most <paramref name="length"/> requests pending (fastopen_queue_tune(): at most
    /// somaxconn). Returns 0, or -EINVAL in another state or for a negative length.
    /// </summary>
    public int SetFastOpenQueue(int length)
    {
        if (length < 0 || State is not (TcpState.Closed or TcpState.Listen))
        {
            return InvalidArgument;
        }

        FastOpenQueueLimit = Math.Min(length, Settings.ListenBacklog);
        return 0;
    }

    /// <summary>setsockopt(TCP_FASTOPEN_KEY): this socket's key, 16 bytes (a primary) or 32 (and a backup). Returns 0 or -EINVAL.</summary>
    public int SetFastOpenKey(ReadOnlySpan<byte> key)
    {
        if (FastOpenKeys.FromBytes(key) is not { } keys)
        {
            return InvalidArgument;
        }

        _fastOpenKeys = keys;
        return 0;
    }

    /// <summary>
    /// inet_listen(): with TFO_SERVER_WO_SOCKOPT1 and the server side on, a listener that has not
    /// set TCP_FASTOPEN takes SYN data with its backlog as queue.
    /// </summary>
    private void EnableFastOpenWithoutSocketOption()
    {
        const FastOpenMode both = FastOpenMode.ServerEnable | FastOpenMode.ServerWithoutSocketOption;
        if ((Settings.FastOpen & both) == both && FastOpenQueueLimit == 0)
        {
            FastOpenQueueLimit = Math.Min(Backlog, Settings.ListenBacklog);
        }
    }

    /// <summary>
    /// On a listener, Linux tcp_try_fastopen(): whether <paramref name="syn"/>'s data is taken by a
    /// child created at once, and the cookie the SYN-ACK offers (null for none): a fresh one when
    /// the SYN asked, the right one when its cookie was wrong or made with the backup key.
    /// </summary>
    private (bool CreateChild, FastOpenOption? Offer) TryFastOpen(Packet syn)
    {
        var option = syn.FastOpen;
        var cookieLength = option is null ? -1 : CookieLength(option.Cookie.Length);
        var synData = syn.SequenceLength > 1;
        if ((Settings.FastOpen & FastOpenMode.ServerEnable) == 0 || !(synData || cookieLength >= 0) || !FastOpenQueueHasRoom())
        {
            return (false, null);
        }

        if ((Settings.FastOpen & FastOpenMode.ServerCookieNotRequired) != 0)
        {
            return (true, null);
        }

        if (cookieLength < 0)
        {
            return (false, null);
        }

        var keys = _fastOpenKeys ?? Stack.FastOpenKeysFor(Settings);
        var valid = new FastOpenOption(keys.Primary.Cookie(syn.Source, syn.Destination), option!.Experimental);
        if (cookieLength == 0)
        {
            return (false, valid);
        }

        // tcp_fastopen_cookie_gen_check(): a cookie of the primary key opens; one of the backup opens and is replaced.
        if (Matches(option.Cookie, valid.Cookie))
        {
            return (true, null);
        }

        var backup = keys.Backup is { } b && Matches(option.Cookie, b.Cookie(syn.Source, syn.Destination));
        return (backup, valid);
    }

    /// <summary>tcp_parse_fastopen_option(): an even length from 4 to 16, or 0 (a request); anything else counts as no option (-1).</summary>
    private static int CookieLength(int length) =>
        length == 0 || (length is >= MinCookieLength and <= MaxCookieLength && length % 2 == 0) ? length : -1;

    /// <summary>tcp_fastopen_cookie_match(): the full size, byte for byte.</summary>
    private static bool Matches(ReadOnlySpan<byte> cookie, ReadOnlySpan<byte> valid) =>
        cookie.Length == FastOpenKey.CookieLength && cookie.SequenceEqual(valid);

    /// <summary>
    /// tcp_fastopen_queue_check(): the listener takes SYN data and has room for another request; a
    /// full queue frees the oldest request reset after accept() once its hold has passed.
    /// </summary>
    private bool FastOpenQueueHasRoom()
    {
        if (FastOpenQueueLimit == 0)
        {
            return false;
        }

        if (_fastOpenPending < FastOpenQueueLimit)
        {
            return true;
        }

        if (_fastOpenResetExpiries is not { Count: > 0 } expiries || expiries.Peek() > Simulation.Now)
        {
            return false;
        }

        expiries.Dequeue();
        _fastOpenPending--;
        return true;
    }

    /// <summary>
    /// On a listener, reqsk_fastopen_remove(): a child's request ended. A request its peer reset
    /// after accept() keeps counting for <see cref="ResetRequestHold"/> while the listener listens,
    /// a simple defence against spoofed Fast Open SYNs.
    /// </summary>
    private void OnFastOpenRequestEnded(bool reset, bool accepted)
    {
        if (reset && accepted && State == TcpState.Listen)
        {
            (_fastOpenResetExpiries ??= new()).Enqueue(Simulation.Now + ResetRequestHold);
            return;
        }

        _fastOpenPending--;
    }

    /// <summary>
    /// Linux tcp_fastopen_create_child() and tcp_fastopen_add_skb(): a full child in SYN-RECEIVED,
    /// its SYN-ACK timer armed with tcp_timeout_init(), the transfer initialised (PASSIVE_ESTABLISHED_CB),
    /// the SYN's data queued and acknowledged by the SYN-ACK, and the child queued for accept().
    /// </summary>
    private void AcceptFastOpenSyn(Packet syn, FastOpenOption? offer)
    {
        var listener = Listener!;
        listener._fastOpenPending++;
        BecomeFullSocket(listener);
        _fastOpenSynAckTimeout = InitialTimeout();
        FastOpenRequestPending = true;
        SndUna = Iss + 1;
        SndNxt = Iss + 1;
        SndWnd = syn.Window;
        _maxWindow = SndWnd;
        _sndWl1 = Irs;
        _sndWl2 = SndUna;
        _synAckSent = Simulation.Now;
        ArmRetransmitTimer(_fastOpenSynAckTimeout);
        FinishConnect(SockOp.PassiveEstablishedCb, syn, handshakeTimedOut: false, established: false);

        // tcp_create_openreq_child() counts the SYN in.
        Statistics.SegmentsIn = 1;

        // The SYN-ACK acknowledges the data (and a FIN with it); the application, woken after it
        // has gone, may answer at once.
        _synBeingAnswered = syn;
        _handshakeFastOpen = offer;
        Transmit(Iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack, Irs + syn.SequenceLength);
        _handshakeFastOpen = null;
        _synBeingAnswered = null;
        listener.OnChildEstablished(this);
        TakeSynData(syn);
        AnchorReceiveWindow();
    }

    /// <summary>
    /// Linux tcp_fastopen_add_skb(): the data of a SYN, or of the SYN-ACK a Fast Open client gets,
    /// is queued as the first of the stream; the segment counters start again with it, and a FIN
    /// on it closes the peer's side.
    /// </summary>
    private void TakeSynData(Packet segment)
    {
        var fin = (segment.Flags & TcpFlags.Fin) != 0;
        if (segment.PayloadLength == 0 && !fin)
        {
            return;
        }

        Statistics.SegmentsIn = 1;
        Statistics.DataSegmentsIn = segment.PayloadLength > 0 ? 1 : 0;
        SynDataAcked = true;
        if (segment.PayloadLength > 0)
        {
            Deliver(0, segment.PayloadLength);
        }

        if (fin)
        {
            OnFin();
        }
    }

    /// <summary>When the child's first SYN-ACK left (tcp_rsk(req)->snt_synack).</summary>
    private SimTime _synAckSent;

    /// <summary>
    /// The Fast Open request's SYN-ACK timeout (req->timeout), from which its timer backs off; the
    /// child's own RTO is tcp_init_transfer()'s, 3 s until an RTT sample (tcp_init_metrics()).
    /// </summary>
    private SimTime _fastOpenSynAckTimeout;

    /// <summary>
    /// Linux tcp_fastopen_synack_timer(): the child's SYN-ACK again, and nothing else, until it is
    /// acknowledged; the second timeout lowers cwnd as a loss would (tcp_enter_loss()). After
    /// tcp_synack_retries + 1 tries the connection fails with ETIMEDOUT.
    /// </summary>
    private void OnFastOpenSynAckTimer()
    {
        if (_synAckRetransmissions >= Settings.SynAckRetries + 1)
        {
            EndFastOpenRequest(reset: false);
            WriteError();
            return;
        }

        if (Retransmits == 1)
        {
            EnterLoss();
        }

        RethinkTxHash();
        Transmit(Iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack);
        Observer?.OnRetransmission(this, Iss, 1, RetransmissionCause.Handshake);
        _synAckRetransmissions++;
        UpdateRtoStats();
        Statistics.TotalRetransmissions++;
        if (_retransStamp == SimTime.Zero)
        {
            _retransStamp = Simulation.Now;
        }

        ArmRetransmitTimer(SimTime.Min(_fastOpenSynAckTimeout * (1L << _synAckRetransmissions), Settings.MaxRto));
    }

    /// <summary>
    /// The ACK of a Fast Open child's SYN-ACK, as tcp_rcv_state_process() takes it in SYN-RECV with
    /// a fastopen_rsk: tcp_ack() first, which refuses (and answers with a RST) an ACK below SND.UNA
    /// or beyond SND.NXT (FLAG_NO_CHALLENGE_ACK); then one more delivered, the SYN-ACK's RTT if the
    /// ACK gave no sample (tcp_synack_rtt_meas()), the request ended, and ESTABLISHED with the
    /// peer's scaled window. Returns false when processing stops here.
    /// </summary>
    private bool CompleteFastOpenHandshake(Packet packet, SequenceNumber ack)
    {
        if (ack < SndUna || ack > SndNxt)
        {
            Stack.SendReset(this, ack, RcvNxt, withAck: false);
            return false;
        }

        ProcessAck(packet);
        Delivered++;
        if (Rtt.SrttUs8 == 0 && (_synAckRetransmissions > 0 ? TimestampRtt(packet) : Simulation.Now - _synAckSent) is { } synAckRtt)
        {
            AddRttSample(synAckRtt, synAckRtt, ackMaybeDelayed: false);
        }

        EndFastOpenHandshake();
        SetState(TcpState.Established);
        SndWnd = (uint)packet.Window << SndWscale;
        _sndWl1 = new SequenceNumber(packet.SequenceNumber);

        // Prevent a spurious restart of the window on the first data sent (tp->lsndtime).
        LastSendJiffies = Jiffies;
        if (Congestion is not IModelBasedCongestionControl)
        {
            UpdatePacingRate();
        }

        return true;
    }

    /// <summary>
    /// Linux tcp_rcv_synrecv_state_fastopen(): a loss state entered on a SYN-ACK timeout is undone
    /// if nothing is outstanding, the timeout bookkeeping cleared, the request ended, and the RTO
    /// re-armed for the data sent meanwhile.
    /// </summary>
    private void EndFastOpenHandshake()
    {
        if (CaState == CaState.Loss && PacketsOut == 0)
        {
            TryUndoRecovery();
        }

        UpdateRtoTime();
        _retransStamp = SimTime.Zero;
        Retransmits = 0;
        EndFastOpenRequest(reset: false);
        RearmRto(ProbeOrReorderingPending);
    }

    /// <summary>The child's request ends: its listener stops counting it (reqsk_fastopen_remove()).</summary>
    private void EndFastOpenRequest(bool reset)
    {
        if (!FastOpenRequestPending)
        {
            return;
        }

        FastOpenRequestPending = false;
        Listener?.OnFastOpenRequestEnded(reset, IsAccepted);
    }
}
