using NetSim.Tcp.Congestion;
using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// The segments that open a connection: the SYN a listener takes (tcp_conn_request()), SYN-SENT's
/// answer (tcp_rcv_synsent_state_process()), the handshake's end on either side
/// (tcp_finish_connect(), tcp_check_req()) and the peer's MSS.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// Passive open: a SYN reached a listener and created this request socket (Linux
    /// tcp_conn_request()), or, when the listener takes the SYN's data, a Fast Open child whose
    /// timeout comes from tcp_timeout_init() on the child instead (<see cref="AcceptFastOpenSyn"/>).
    /// </summary>
    internal void AcceptSyn(Packet syn, SequenceNumber iss)
    {
        BeginPassiveOpen(new SequenceNumber(syn.SequenceNumber));
        SetPeerMss(syn.MssOption);
        NegotiateWindowScaling(syn, Settings.WindowScaling);
        NegotiateTimestamps(syn, Settings.Timestamps);
        NegotiateSack(syn, Settings.Sack);
        SndWnd = syn.Window;
        Iss = iss;
        SndUna = iss;
        SndNxt = iss + 1;

        // tcp_create_openreq_child(): snd_sml starts where the data will (Minshall's check).
        _sndSml = iss + 1;
        InitReceiveWindow();
        var (fastOpen, offer) = Listener!.TryFastOpen(syn);
        if (!fastOpen)
        {
            EnterRequestQueue();
            Rto = InitialTimeout();
        }

        AcceptSynEcn(syn, CallSockOps(SockOp.NeedsEcn) == 1);
        if (fastOpen)
        {
            AcceptFastOpenSyn(syn, offer);
            return;
        }

        _rtx.Append(new Buffers.SentSegment { Start = iss, SequenceLength = 1, Syn = true, FirstSent = Simulation.Now });
        _synBeingAnswered = syn;
        _handshakeFastOpen = offer;
        Transmit(iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack);
        _handshakeFastOpen = null;
        _synBeingAnswered = null;
        ArmRetransmitTimer();
    }

    /// <summary>A request socket in SYN-RECEIVED for the peer's ISN <paramref name="irs"/>, its route's MSS taken.</summary>
    private void BeginPassiveOpen(SequenceNumber irs)
    {
        IsFullSocket = false;
        State = TcpState.SynReceived;
        Irs = irs;
        RcvNxt = Irs + 1;
        _rcvWup = RcvNxt;
        TakeFirstHopMss();
    }

    /// <summary>RFC 9293 §3.10.7.3 and Linux tcp_rcv_synsent_state_process().</summary>
    private void OnSegmentInSynSent(Packet packet)
    {
        var flags = packet.Flags;
        var ack = new SequenceNumber(packet.AcknowledgmentNumber);
        var ackAcceptable = (flags & TcpFlags.Ack) != 0 && ack > Iss && ack <= SndNxt && !EchoesNoSynTimestamp(packet);
        if ((flags & TcpFlags.Ack) != 0 && !ackAcceptable)
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                Stack.SendReset(this, ack, default, withAck: false);
            }

            return;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            if (ackAcceptable)
            {
                Abort("ECONNREFUSED");
            }

            return;
        }

        if ((flags & TcpFlags.Syn) == 0)
        {
            return;
        }

        Irs = new SequenceNumber(packet.SequenceNumber);
        RcvNxt = Irs + 1;
        AnchorReceiveWindow();
        SetPeerMss(packet.MssOption);
        NegotiateWindowScaling(packet, Settings.WindowScaling);
        NegotiateTimestamps(packet, Settings.Timestamps);
        NegotiateSack(packet, Settings.Sack);
        ReceiveHandshakeEcn(packet);
        if (!ackAcceptable)
        {
            // Simultaneous open (RFC 9293 figure 8): answer with a SYN-ACK and wait in SYN-RECEIVED.
            SetState(TcpState.SynReceived);
            Transmit(Iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack);
            return;
        }

        // tcp_ack() first: the SYN leaves the queue and, unless it was retransmitted, gives the first
        // RTT sample; the algorithm hears of it, and a SYN timeout's Loss state ends as any would.
        _sndWl1 = Irs;
        _sndWl2 = ack;
        SndWnd = packet.Window;
        TryUndoSpuriousSyn(packet);
        ProcessAck(packet);
        FinishConnect(SockOp.ActiveEstablishedCb, packet, handshakeTimedOut: _undoMarker is not null);

        // Fast Open's SYN-ACK: SYN data it left unacknowledged is retransmitted, carrying the ACK.
        // Otherwise the ACK goes now, or, for a writer already waiting, rides on its data
        // (tcp_rcv_synsent_state_process(): sk_write_pending holds it up to TCP_DELACK_MAX).
        var synDataRetransmitted = (_synFastOpen || _synData) && OnFastOpenSynAck(packet);
        if (WritePending)
        {
            _ackPending = true;
            EnterQuickAckMode(Settings.QuickAcks);
            _delayedAckTimer.ArmAfter(DelayedAckMax);
        }
        else if (!synDataRetransmitted)
        {
            // tcp_send_ack_reflect_ect(): under Accurate ECN the ACK reflects the SYN-ACK's IP ECN field.
            if (EcnModeAccEcn)
            {
                SendAckReflecting(_synEctReceived);
            }
            else
            {
                SendAck();
            }
        }

        PushPendingFrames();

        // The application learns of the connection after the handshake ACK has left.
        Established?.Invoke(this);
    }

    /// <summary>
    /// RFC 7323 §5.5 as Linux tcp_rcv_synsent_state_process() applies it (PAWSACTIVEREJECTED): an
    /// ACK in SYN-SENT whose TSecr is not a TSval sent since the first SYN left answers no SYN of
    /// ours, and is refused with a RST like an ACK of something never sent.
    /// </summary>
    private bool EchoesNoSynTimestamp(Packet packet)
    {
        if (!packet.HasTimestamps || packet.TsEcr == 0 || _rtx.Count == 0)
        {
            return false;
        }

        var first = FirstHandshakeTsVal;
        return unchecked(TsNow - first) < unchecked(packet.TsEcr - first);
    }

    /// <summary>The TSval of the first SYN or SYN-ACK sent (tp->retrans_stamp from tcp_connect(); tcp_rsk(req)->snt_synack).</summary>
    private uint FirstHandshakeTsVal => unchecked((uint)_rtx[0].FirstSent.Milliseconds + _tsOffset);

    /// <summary>The ACK echoes the first SYN or SYN-ACK's timestamp: that one arrived, and any timeout of it was spurious.</summary>
    private bool EchoesFirstHandshakeSegment(Packet packet) => TimestampsAgreed && packet.HasTimestamps && _rtx.Count > 0 && packet.TsEcr == FirstHandshakeTsVal;

    /// <summary>
    /// Linux tcp_try_undo_spurious_syn(), before tcp_ack() of the SYN-ACK: a SYN-ACK answering the
    /// first SYN shows its timeouts spurious, and the initial window is kept.
    /// </summary>
    private void TryUndoSpuriousSyn(Packet packet)
    {
        if (_undoMarker is not null && EchoesFirstHandshakeSegment(packet))
        {
            _undoMarker = null;
        }
    }

    /// <summary>
    /// Linux tcp_finish_connect() and tcp_init_transfer(): ESTABLISHED, the initial window (one
    /// segment if the SYN or SYN-ACK was retransmitted more than once and the timeout was not
    /// shown spurious, <paramref name="handshakeTimedOut"/>: tp->undo_marker), then the ESTABLISHED
    /// callback, which is given the segment that completed the handshake (bpf_skops_established()).
    /// A Fast Open child runs it on its SYN and stays in SYN-RECEIVED (<paramref name="established"/> false).
    /// </summary>
    private void FinishConnect(SockOp establishedOp, Packet packet, bool handshakeTimedOut, bool established = true)
    {
        if (establishedOp == SockOp.ActiveEstablishedCb)
        {
            SetState(TcpState.Established);
        }

        MtupInit(TcpHeaderLength);

        // tcp_init_metrics(): ssthresh as it began, whatever a SYN timeout made of it; without an RTT
        // sample from the handshake the RTO starts at 3 s (a Fast Open child's too, made on the SYN,
        // though its SYN-ACK timer keeps the request's timeout).
        Window.Ssthresh = CongestionWindow.InfiniteSsthresh;
        if (!Rtt.HasSample)
        {
            Rtt.FallBack();
            Rto = Rtt.Rto;
        }

        Window.Cwnd = Statistics.TotalRetransmissions > 1 && handshakeTimedOut ? 1u : InitialCwnd;
        InitializeReceiveMss();

        // The idle time starts here, so that the first data written restarts no window
        // (tp->lsndtime in tcp_finish_connect() and tcp_create_openreq_child()); so does the
        // time since data was received (icsk_ack.lrcvtime), which TCP_INFO reports.
        LastSendJiffies = Jiffies;
        LastDataReceivedJiffies = Jiffies;
        _lastDataReceived = Simulation.Now;

        // tcp_ack() of the SYN-ACK, or of the handshake's ACK in SYN-RECV, stamps tp->rcv_tstamp.
        if (established)
        {
            _lastAckReceived = Simulation.Now;
        }
        if (_keepAlive)
        {
            _keepAliveTimer.ArmAfter(Settings.KeepAliveTime);
        }

        // tcp_init_transfer(): the ESTABLISHED callback, then congestion control unless a program's TCP_CONGESTION initialised it.
        CallSockOps(establishedOp, segment: ReceivedSegment(packet));
        if (!_congestionInitialized)
        {
            Congestion.Init(this);
            _congestionInitialized = true;
        }

        InitBufferSpace();
        if (establishedOp == SockOp.PassiveEstablishedCb && established)
        {
            SetState(TcpState.Established);
        }
    }

    private void CompletePassiveOpen(Packet packet)
    {
        LeaveRequestQueue();
        if (Listener is { } listener)
        {
            BecomeFullSocket(listener);
        }
        else
        {
            IsFullSocket = true;
        }

        _retransmitTimer.Cancel();

        // tcp_rcv_state_process() in SYN-RECV: the SYN-ACK's delivery, which tcp_ack() does not count.
        Delivered++;
        if (EcnModeAccEcn)
        {
            ReceiveHandshakeAccEcnAck(packet);
        }

        var synAck = _rtx[0];

        // tcp_create_openreq_child(): the SYN-ACK's timeouts are the child's, one recovery that
        // lasted from the first SYN-ACK.
        if (_synAckRetransmissions > 0)
        {
            _totalRto = _synAckRetransmissions;
            TotalRtoRecoveries = 1;
            _totalRtoTimeMs = Simulation.Now.Milliseconds - synAck.FirstSent.Milliseconds;
        }

        // tcp_create_openreq_child() keeps a SYN-ACK timeout for undo (tp->undo_marker at the ISN,
        // undo_retrans 0) unless the ACK shows it spurious (tcp_try_undo_spurious_syn()). Nothing
        // was reduced, so the child's first dubious ACK in Open only spends the marker
        // (tcp_try_undo_dsack(): TCPDSACKUndo, and a recovery's more of RACK's reo_wnd_persist).
        var handshakeTimedOut = _synAckRetransmissions > 0 && !EchoesFirstHandshakeSegment(packet);
        if (handshakeTimedOut)
        {
            _undoMarker = Iss;
            _undoRetrans = 0;
        }

        _rtx.RemoveAcked(Iss + 1);
        SndUna = Iss + 1;
        SndWnd = (uint)packet.Window << SndWscale;

        // tcp_create_openreq_child(): the largest window seen starts at this ACK's.
        _maxWindow = Math.Max(_maxWindow, SndWnd);
        _sndWl1 = new SequenceNumber(packet.SequenceNumber);
        _sndWl2 = SndUna;

        // Linux tcp_synack_rtt_meas(): the SYN-ACK's RTT from its send time, or, if it was
        // retransmitted or sent for a cookie, from the echoed timestamp.
        if ((synAck.EverRetransmitted || _synAckFromCookie ? TimestampRtt(packet) : Simulation.Now - synAck.FirstSent) is { } synAckRtt)
        {
            AddRttSample(synAckRtt, synAckRtt, ackMaybeDelayed: false);
        }

        FinishConnect(SockOp.PassiveEstablishedCb, packet, handshakeTimedOut);

        // tcp_rcv_state_process() in SYN-RECV: the handshake's RTT and the initial window set the first
        // pacing rate, and with it the first TSO packets' size, unless the algorithm paces itself.
        if (Congestion is not IModelBasedCongestionControl)
        {
            UpdatePacingRate();
        }

        Established?.Invoke(this);
        Stack.OnPassiveOpenCompleted(this);
    }

    /// <summary>
    /// Linux tcp_create_openreq_child(): the request becomes a full socket, with the listener's
    /// callback flags and the socket options a child inherits (sk_clone_lock()).
    /// </summary>
    private void BecomeFullSocket(TcpConnection listener)
    {
        IsFullSocket = true;
        CallbackFlags = listener.CallbackFlags;
        _keepAlive = listener._keepAlive;
        _nonagle = listener._nonagle;
        ReadsOnArrival = listener.ReadsOnArrival;
    }

    /// <summary>The send MSS from the peer's MSS option and the path MTU (tcp_sync_mss(sk, dst_mtu())).</summary>
    private void SetPeerMss(ushort mssOption)
    {
        // RFC 9293 §3.7.1: without the option the peer accepts 536 bytes.
        // tcp_parse_options(): the peer's MSS, bounded by TCP_MAXSEG (and the configured MSS); the
        // route's MTU bounds the send MSS through tcp_sync_mss(), its advmss only the MSS announced.
        var bound = UserMss > 0 ? Math.Min(UserMss, Settings.Mss) : Settings.Mss;
        _mssClamp = Math.Min(bound, mssOption == 0 ? DefaultMss : mssOption);
        SyncMss(DstMtu());
    }
}
