using NetSim.Tcp.Congestion;
using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>SEGMENT ARRIVES (RFC 9293 §3.10.7), in the order of Linux tcp_rcv_state_process() and tcp_data_queue().</summary>
public sealed partial class TcpConnection
{
    /// <summary>Processes one segment addressed to this connection. The stack returns the packet to the pool afterwards.</summary>
    internal void OnSegment(Packet packet)
    {
        Statistics.SegmentsIn++;
        _lastHeard = Simulation.Now;
        if (packet.PayloadLength > 0)
        {
            Statistics.DataSegmentsIn++;
        }

        if (State == TcpState.SynSent)
        {
            OnSegmentInSynSent(packet);
        }
        else if (State != TcpState.Closed)
        {
            OnSegmentSynchronized(packet);
        }

        ReportVariables();
    }

    /// <summary>
    /// Passive open: a SYN reached a listener and created this request socket (Linux
    /// tcp_conn_request()), or, when the listener takes the SYN's data, a Fast Open child whose
    /// timeout comes from tcp_timeout_init() on the child instead (<see cref="AcceptFastOpenSyn"/>).
    /// </summary>
    internal void AcceptSyn(Packet syn, SequenceNumber iss)
    {
        IsFullSocket = false;
        State = TcpState.SynReceived;
        Irs = new SequenceNumber(syn.SequenceNumber);
        RcvNxt = Irs + 1;
        _rcvWup = RcvNxt;
        TakeFirstHopMss();
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
        _rcvWup = RcvNxt;
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

        // tcp_ack() first: the SYN leaves the queue and, unless it was retransmitted, gives the first RTT sample.
        _sndWl1 = Irs;
        _sndWl2 = ack;
        SndWnd = packet.Window;
        ProcessAck(packet);
        FinishConnect(SockOp.ActiveEstablishedCb, packet);

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

        var first = unchecked((uint)_rtx[0].FirstSent.Milliseconds + _tsOffset);
        return unchecked(TsNow - first) < unchecked(packet.TsEcr - first);
    }

    /// <summary>
    /// Linux tcp_finish_connect() and tcp_init_transfer(): ESTABLISHED, the initial window
    /// (one segment if the SYN was retransmitted more than once), then the ESTABLISHED callback,
    /// which is given the segment that completed the handshake (bpf_skops_established()). A Fast
    /// Open child runs it on its SYN and stays in SYN-RECEIVED (<paramref name="established"/> false).
    /// </summary>
    private void FinishConnect(SockOp establishedOp, Packet packet, bool established = true)
    {
        if (establishedOp == SockOp.ActiveEstablishedCb)
        {
            SetState(TcpState.Established);
        }

        MtupInit(TcpHeaderLength);
        Window.Ssthresh = CongestionWindow.InfiniteSsthresh;
        Window.Cwnd = Statistics.TotalRetransmissions > 1 ? 1u : InitialCwnd;
        SetCaState(CaState.Open);
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

        // The handshake's RTT sets the first pacing rate, and with it the first TSO packets' size
        // (tcp_rcv_state_process() in SYN-RECV; tcp_ack() of the SYN-ACK), unless the algorithm paces itself.
        if (Congestion is not IModelBasedCongestionControl)
        {
            UpdatePacingRate();
        }
    }

    /// <summary>RFC 9293 §3.10.7.4: every state after the handshake has started.</summary>
    private void OnSegmentSynchronized(Packet packet)
    {
        var flags = packet.Flags;
        var seq = new SequenceNumber(packet.SequenceNumber);

        // A retransmitted SYN while the request socket (or a Fast Open child's request) waits: resend the SYN-ACK (Linux tcp_check_req()).
        if ((!IsFullSocket || FastOpenRequestPending) && (flags & TcpFlags.Syn) != 0 && seq == Irs && (flags & TcpFlags.Ack) == 0)
        {
            ReceiveRetransmittedSynEcn(packet);
            _answeringRetransmittedSyn = true;
            Transmit(Iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack);
            _answeringRetransmittedSyn = false;
            return;
        }

        // RFC 7323 §5.3 (Linux tcp_paws_discard()): a segment older than TS.Recent is a duplicate from an earlier wrap.
        if (PawsRejects(packet, seq))
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                SendDuplicateAck(packet, seq);
            }

            return;
        }

        // First: is the segment acceptable (RFC 9293 §3.10.7.4, the four cases)?
        if (!SequenceAcceptable(seq, packet.SequenceLength, (flags & TcpFlags.Fin) != 0))
        {
            if ((flags & TcpFlags.Syn) != 0 && (flags & TcpFlags.Rst) == 0)
            {
                SendChallengeAck();
            }
            else if ((flags & TcpFlags.Rst) == 0)
            {
                SendDuplicateAck(packet, seq);
            }

            return;
        }

        // Second: RST. RFC 5961 §3.2: only an exact match resets (Linux also takes RCV.NXT - 1 once
        // the peer's FIN is in, tcp_reset_check()); anywhere else in the window earns a challenge ACK.
        if ((flags & TcpFlags.Rst) != 0)
        {
            var exact = seq == RcvNxt
                || (seq == RcvNxt - 1 && State is TcpState.CloseWait or TcpState.LastAck or TcpState.Closing);
            if (!exact)
            {
                SendChallengeAck();
                return;
            }

            if (State == TcpState.SynReceived && !IsFullSocket)
            {
                EnterClosed();
            }
            else if (FastOpenRequestPending)
            {
                // tcp_check_req()'s embryonic_reset for a Fast Open child: reqsk_fastopen_remove(reset), then tcp_reset().
                EndFastOpenRequest(reset: true);
                Abort("ECONNRESET");
            }
            else
            {
                Abort(ResetError);
            }

            return;
        }

        // Fourth: a SYN in a synchronized state draws a challenge ACK (RFC 5961 §4), except the
        // peer's SYN-ACK completing a simultaneous open (Linux tcp_validate_incoming()).
        var simultaneousOpenSynAck = State == TcpState.SynReceived && IsFullSocket && (flags & TcpFlags.Ack) != 0
            && seq + 1 == RcvNxt && packet.PayloadLength == 0 && new SequenceNumber(packet.AcknowledgmentNumber) == SndNxt;
        if ((flags & TcpFlags.Syn) != 0 && !simultaneousOpenSynAck)
        {
            // Under Accurate ECN the answer reflects the SYN's IP ECN field, and notes its option (tcp_validate_incoming()).
            if (EcnModeAccEcn)
            {
                NoteSynAccEcnOption(packet);
            }

            SendChallengeAck(packet);
            return;
        }

        // The segment passed tcp_validate_incoming(): the programs may parse its options.
        ParseProgramOptions(packet);

        // Fifth: without ACK the segment is dropped.
        if ((flags & TcpFlags.Ack) == 0)
        {
            return;
        }

        // tcp_rcv_established(): a segment that passed validation counts for Accurate ECN (the
        // handshake's last ACK is counted as the request becomes a connection).
        if (State != TcpState.SynReceived)
        {
            CountReceivedEcn(packet);
        }

        if (!OnAckField(packet))
        {
            return;
        }

        // Seventh: segment text, in the states that still receive; new data the reader can no
        // longer take aborts the connection.
        if (DataAfterReceiveShutdown(packet, seq))
        {
            Abort(ResetError);
            Stack.SendResetAnswering(packet);
            return;
        }

        if (packet.PayloadLength > 0 && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
        {
            QueueData(packet, seq);
        }

        // Eighth: FIN, once everything before it has arrived. A bare FIN is queued as data is
        // (tcp_data_queue()), at RCV.NXT even into a zero window, so it meets the memory check too.
        if ((flags & TcpFlags.Fin) != 0 && seq + packet.PayloadLength == RcvNxt)
        {
            if (packet.PayloadLength == 0)
            {
                ReceiveMemoryRefuses(0);
            }

            OnFin();
        }

        SendAckIfDue();
        WakeReaderIfReady();
        PushPendingFrames();
    }

    /// <summary>
    /// Linux tcp_reset()'s error, "as BSD sees it": EPIPE in CLOSE-WAIT, ECONNRESET in the other
    /// synchronized states (SYN-RECEIVED too, where RFC 9293 §3.10.7.4 would refuse an active
    /// open); SYN-SENT's ECONNREFUSED is given where its RST is taken.
    /// </summary>
    private string ResetError => State == TcpState.CloseWait ? "EPIPE" : "ECONNRESET";

    /// <summary>
    /// RFC 1122 §4.2.2.13 (Linux tcp_rcv_state_process(), TCPAbortOnData): data beyond RCV.NXT
    /// after reading was shut (RCV_SHUTDOWN), by close() in FIN-WAIT-1 and -2, or by the peer's
    /// FIN in the states that follow it, where only a segment starting before RCV.NXT gets here.
    /// </summary>
    private bool DataAfterReceiveShutdown(Packet packet, SequenceNumber seq)
    {
        if (packet.SequenceLength == 0 || seq + packet.PayloadLength <= RcvNxt)
        {
            return false;
        }

        return State switch
        {
            TcpState.FinWait1 or TcpState.FinWait2 => _orphaned,
            TcpState.CloseWait or TcpState.Closing or TcpState.LastAck => seq < RcvNxt,
            _ => false,
        };
    }

    /// <summary>
    /// PAWS (RFC 7323 §5): with timestamps in use, TSval below TS.Recent marks an old duplicate. As
    /// Linux tcp_disordered_ack() does, a pure duplicate ACK overtaken in the network is spared.
    /// </summary>
    private bool PawsRejects(Packet packet, SequenceNumber seq)
    {
        if (!TimestampsAgreed || !packet.HasTimestamps || !_tsRecentValid || (int)(packet.TsVal - _tsRecent) >= 0
            || (packet.Flags & TcpFlags.Rst) != 0)
        {
            return false;
        }

        var disorderedAck = packet.PayloadLength == 0 && (packet.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0
            && seq == RcvNxt && new SequenceNumber(packet.AcknowledgmentNumber) == SndUna;
        return !disorderedAck;
    }

    /// <summary>
    /// Linux tcp_sequence(), its form of RFC 9293 §3.10.7.4's four cases: the segment, SYN and FIN
    /// counted, must not end before the left edge of the window last advertised (rcv_wup) nor
    /// start beyond its right edge. Since Linux 6.17 one that starts inside but ends beyond the
    /// right edge is taken whole, untrimmed, only while no data waits to be read, and dropped
    /// otherwise (SKB_DROP_REASON_TCP_INVALID_END_SEQUENCE); a FIN alone may stick out.
    /// </summary>
    private bool SequenceAcceptable(SequenceNumber seq, int sequenceLength, bool fin)
    {
        var end = seq + sequenceLength;
        var right = RcvNxt + (int)ReceiveWindowNow;
        if (end < _rcvWup)
        {
            return false;
        }

        if (end <= right || end - (fin ? 1 : 0) <= right)
        {
            return true;
        }

        return seq <= right && _receiveBuffer.Unread == 0;
    }

    /// <summary>
    /// Fifth step, the ACK field, per state. Returns false when processing stops here.
    /// The final ACK of a passive open promotes the request socket to a full one (Linux
    /// tcp_check_req() and tcp_rcv_state_process() case TCP_SYN_RECV).
    /// </summary>
    private bool OnAckField(Packet packet)
    {
        var ack = new SequenceNumber(packet.AcknowledgmentNumber);
        if (State == TcpState.SynReceived)
        {
            ReplaceTsRecent(packet);
        }

        if (State == TcpState.SynReceived && FastOpenRequestPending)
        {
            return CompleteFastOpenHandshake(packet, ack);
        }

        if (State == TcpState.SynReceived)
        {
            if (!(ack > SndUna && ack <= SndNxt))
            {
                Stack.SendReset(this, ack, RcvNxt, withAck: false);
                return false;
            }

            // Linux tcp_v4_syn_recv_sock(): with the listener's accept queue full the ACK is dropped
            // and the request waits, its SYN-ACK timer still running (tcp_abort_on_overflow = 0).
            if (!IsFullSocket && Listener is { AcceptQueueFull: true })
            {
                return false;
            }

            CompletePassiveOpen(packet);
            return true;
        }

        // RFC 5961 §5.2 as Linux tcp_ack(): an ACK for data not yet sent, or older than the
        // largest window, is dropped and answered with a (rate-limited) challenge ACK (for data
        // not yet sent in ESTABLISHED too since Linux 7.1, "tcp: send a challenge ACK on SEG.ACK >
        // SND.NXT"); an old ACK within it is ignored but its data kept. The window it may lag by
        // is no more than the bytes acknowledged so far, so it cannot reach back before the
        // first byte sent.
        var maxLag = Math.Min(Math.Min(_maxWindow, int.MaxValue), Statistics.BytesAcked);
        if (ack > SndNxt || ack < SndUna - (int)maxLag)
        {
            SendChallengeAck();
            return false;
        }

        // Linux tcp_ack(): TS.Recent moves only once the ACK is known good, and not on an old ACK
        // (one below SND.UNA goes to old_ack first): a segment acknowledging data never sent
        // cannot plant a TSval that would make PAWS drop what follows.
        if (ack >= SndUna)
        {
            ReplaceTsRecent(packet);
        }

        ProcessAck(packet);
        if (FastOpenRequestPending)
        {
            // tcp_rcv_state_process() in FIN-WAIT-1: a Fast Open child closed before its handshake ended.
            EndFastOpenHandshake();
        }

        var finAcked = _finSent && SndUna == SndNxt;
        switch (State)
        {
            case TcpState.FinWait1 when finAcked:
                SetState(TcpState.FinWait2);
                if (_orphaned && (packet.Flags & TcpFlags.Fin) == 0)
                {
                    // Linux tcp_rcv_state_process(): an orphaned socket leaves FIN-WAIT-2 to a timewait socket at once.
                    HandOffToTimeWait(TcpState.FinWait2);
                }

                break;
            case TcpState.Closing when finAcked:
                HandOffToTimeWait(TcpState.TimeWait);
                return false;
            case TcpState.LastAck when finAcked:
                EnterClosed();
                return false;
        }

        return true;
    }

    /// <summary>
    /// RFC 7323 §4.3 (Linux tcp_replace_ts_recent()): remember TSval of a segment at or before the
    /// last ACK sent; a TSval beyond the one remembered is progress for Accurate ECN (FLAG_TS_PROGRESS).
    /// </summary>
    private void ReplaceTsRecent(Packet packet)
    {
        _ackTsProgress = false;
        if (TimestampsAgreed && packet.HasTimestamps && new SequenceNumber(packet.SequenceNumber) <= _rcvWup)
        {
            _ackTsProgress = _tsRecentValid && (int)(packet.TsVal - _tsRecent) > 0;
            StoreTsRecent(packet.TsVal);
        }
    }

    /// <summary>The segment whose ACK is being processed moved TS.Recent forward (FLAG_TS_PROGRESS).</summary>
    private bool _ackTsProgress;

    private void CompletePassiveOpen(Packet packet)
    {
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
        _rtx.RemoveAcked(Iss + 1);
        SndUna = Iss + 1;
        SndWnd = (uint)packet.Window << SndWscale;

        // tcp_create_openreq_child(): the largest window seen starts at this ACK's.
        _maxWindow = Math.Max(_maxWindow, SndWnd);
        _sndWl1 = new SequenceNumber(packet.SequenceNumber);
        _sndWl2 = SndUna;

        // Linux tcp_synack_rtt_meas(): the SYN-ACK's RTT from its send time, or, if it was retransmitted, from the echoed timestamp.
        if ((synAck.EverRetransmitted ? TimestampRtt(packet) : Simulation.Now - synAck.FirstSent) is { } synAckRtt)
        {
            AddRttSample(synAckRtt, synAckRtt, ackMaybeDelayed: false);
        }

        FinishConnect(SockOp.PassiveEstablishedCb, packet);
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

    /// <summary>
    /// Linux tcp_data_queue(): in-order data advances rcv_nxt and drains the out-of-order store;
    /// other data is held. Data that arrives again is reported as a D-SACK (RFC 2883 §4).
    /// </summary>
    private void QueueData(Packet packet, SequenceNumber seq)
    {
        AcceptCwr(packet);
        var start = seq;
        var end = seq + packet.PayloadLength;
        var streamOffset = packet.StreamOffset;
        if ((seq - Irs) - 1 != (int)packet.StreamOffset)
        {
            Statistics.IntegrityErrors++;
        }

        if (end <= RcvNxt)
        {
            // Entirely old: a retransmission. D-SACK it and ACK at once in quick-ACK mode.
            CheckAccEcnOptionLost(start);
            SetDuplicateSack(start, end);
            EnterQuickAckMode(Settings.QuickAcks);
            ScheduleImmediateAck();
            return;
        }

        if (start < RcvNxt)
        {
            SetDuplicateSack(start, RcvNxt);
            streamOffset += RcvNxt - start;
            start = RcvNxt;
        }

        // Out of the window, a zero-window probe for one: ACK at once, keep nothing. What starts
        // inside is kept whole (tcp_sequence() has checked where it ends).
        if (start >= _rcvWup + (int)RcvWnd)
        {
            EnterQuickAckMode(Settings.QuickAcks);
            ScheduleImmediateAck();
            return;
        }

        if (start > RcvNxt)
        {
            // The peer's segment size is measured on data out of order too (Linux since 2025,
            // "tcp: call tcp_measure_rcv_mss() for ooo packets").
            CheckCe(packet);
            MeasureReceiveMss(packet);
            QueueOutOfOrder(start, end);
            return;
        }

        if (ReceiveMemoryRefuses(packet.PayloadLength))
        {
            return;
        }

        var hadHole = _receiveBuffer.HasOutOfOrder;
        var inOrder = end - start;
        var drained = _receiveBuffer.TakeInOrder(end);
        if (drained.DuplicateEnd > drained.DuplicateStart && SackAgreed)
        {
            _sackBlocks.ExtendDuplicate(drained.DuplicateStart, drained.DuplicateEnd);
        }

        OnInOrderData(packet);
        Deliver(streamOffset, inOrder + drained.Taken);
        CheckCe(packet);
        if (SackAgreed)
        {
            _sackBlocks.OnReceiveNextAdvanced(RcvNxt, _receiveBuffer.HasOutOfOrder);
        }

        _ackPending = true;
        if (hadHole)
        {
            // RFC 5681 §4.2: an ACK that fills a hole goes out at once.
            ScheduleImmediateAck();
        }
    }

    /// <summary>
    /// tcp_data_queue()'s queue_and_out when tcp_try_rmem_schedule() fails: the received data the
    /// reader has not taken is over the buffer (sk_rmem_alloc above sk_rcvbuf, as a segment that
    /// ended beyond the window may leave it), so the ACK goes out at once (ICSK_ACK_NOMEM,
    /// ICSK_ACK_NOW), and a segment with data is dropped, the receive queue being non-empty
    /// (TCPRcvQDrop); a bare FIN is taken regardless (sk_forced_mem_schedule()). Out-of-order
    /// data does not count: tcp_prune_ofo_queue() would give it up first.
    /// </summary>
    private bool ReceiveMemoryRefuses(int payloadLength)
    {
        if (_receiveBuffer.Unread <= _receiveBuffer.Capacity)
        {
            return false;
        }

        ScheduleImmediateAck();
        return payloadLength > 0;
    }

    /// <summary>
    /// Linux tcp_data_queue_ofo(): holds the data, D-SACKs what was already held, and updates the
    /// SACK blocks; the window grows for it only with SACK, so that a flow without keeps sending
    /// the duplicate ACKs that trigger fast retransmit.
    /// </summary>
    private void QueueOutOfOrder(SequenceNumber start, SequenceNumber end)
    {
        var duplicate = _receiveBuffer.AddOutOfOrder(start, end);
        if (SackAgreed)
        {
            GrowWindow(end - start);
        }

        if (duplicate.End > duplicate.Start)
        {
            SetDuplicateSack(duplicate.Start, duplicate.End);
        }

        if (SackAgreed)
        {
            _sackBlocks.OnOutOfOrder(start, end);
        }

        ScheduleImmediateAck();
    }

    private void SetDuplicateSack(SequenceNumber start, SequenceNumber end)
    {
        if (SackAgreed && Settings.Dsack)
        {
            _sackBlocks.SetDuplicate(start, end);
        }
    }

    /// <summary>
    /// In-order bytes reach the application: at once for an application that reads as data
    /// arrives and waits for no more than a byte; into the receive buffer for one that waits for
    /// SO_RCVLOWAT's bytes (woken after the ACK decision, <see cref="WakeReaderIfReady"/>) and
    /// for one that calls <see cref="Read"/>.
    /// </summary>
    private void Deliver(long streamOffset, int bytes)
    {
        RcvNxt += bytes;
        Statistics.BytesReceived += bytes;
        _receivedStreamEnd = streamOffset + bytes;
        if (ReadsOnArrival && ReceiveLowWatermark == 1)
        {
            Statistics.BytesDelivered += bytes;
            DataReceived?.Invoke(this, streamOffset, bytes);
            return;
        }

        _receiveBuffer.AddInOrder(bytes);
        if (!ReadsOnArrival)
        {
            DataReceived?.Invoke(this, streamOffset, bytes);
        }
    }

    /// <summary>The stream offset just past the last in-order byte received.</summary>
    private long _receivedStreamEnd;

    /// <summary>The peer's FIN has been taken in order (SOCK_DONE).</summary>
    private bool _finReceived;

    /// <summary>
    /// Linux tcp_epollin_ready() with sk_rcvlowat, as tcp_data_ready() and tcp_poll() ask it: data
    /// is waiting, and SO_RCVLOWAT's bytes are there, or the buffer is under pressure
    /// (tcp_rmem_pressure(): more than 7/8 of it used), or what is left of the offered window is no
    /// more than a segment.
    /// </summary>
    public bool EpollinReady
    {
        get
        {
            var available = _receiveBuffer.Unread;
            var capacity = _receiveBuffer.Capacity;
            return available > 0
                && (available >= ReceiveLowWatermark
                    || available + _receiveBuffer.OutOfOrderBytes > capacity - (capacity >> 3)
                    || ReceiveWindowNow <= ReceiveMss);
        }
    }

    /// <summary>
    /// Linux tcp_data_ready(): a reader that reads as data arrives is woken, and reads all there is,
    /// once <see cref="EpollinReady"/>, or with data waiting once the peer has finished (SOCK_DONE).
    /// </summary>
    private void WakeReaderIfReady()
    {
        var available = _receiveBuffer.Unread;
        if (!ReadsOnArrival || available == 0)
        {
            return;
        }

        if (EpollinReady || _finReceived)
        {
            var offset = _receivedStreamEnd - available;
            Read(available);
            DataReceived?.Invoke(this, offset, (int)available);
        }
    }

    /// <summary>RFC 9293 §3.10.7.4 eighth step and Linux tcp_fin().</summary>
    private void OnFin()
    {
        RcvNxt += 1;
        Statistics.BytesReceived++;
        _finReceived = true;
        WakeReaderIfReady();
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                // Linux enters pingpong mode: the ACK waits to ride on the application's answer.
                SetState(TcpState.CloseWait);
                _pingpong = true;
                _ackPending = true;
                break;
            case TcpState.FinWait1:
                SendAck();
                SetState(TcpState.Closing);
                break;
            case TcpState.FinWait2:
                SendAck();
                HandOffToTimeWait(TcpState.TimeWait);
                break;
        }

        RemoteClosed?.Invoke(this);
    }

    /// <summary>
    /// Linux tcp_send_dupack() for an unacceptable segment: data partly or wholly old is D-SACKed
    /// and starts quick-ACK mode; the ACK is rate-limited unless the segment took sequence space
    /// other than a SYN's (tcp_oow_rate_limited()).
    /// </summary>
    private void SendDuplicateAck(Packet packet, SequenceNumber seq)
    {
        var end = seq + packet.PayloadLength;
        if (packet.PayloadLength > 0 && seq < RcvNxt)
        {
            EnterQuickAckMode(Settings.QuickAcks);
            CheckAccEcnOptionLost(seq);
            SetDuplicateSack(seq, end > RcvNxt ? RcvNxt : end);
        }

        if (packet.SequenceLength == 0 || (packet.Flags & TcpFlags.Syn) != 0)
        {
            if (OutOfWindowAckRateLimited())
            {
                return;
            }
        }

        SendAck();
    }

    /// <summary>
    /// RFC 5961 §7 (Linux tcp_send_challenge_ack()): an ACK that tells a blind attacker nothing, at
    /// most one per rate-limit interval. One answering a SYN on an Accurate ECN connection
    /// reflects that SYN's IP ECN field (tcp_send_ack_reflect_ect()).
    /// </summary>
    private void SendChallengeAck(Packet? syn = null)
    {
        if (OutOfWindowAckRateLimited())
        {
            return;
        }

        Statistics.ChallengeAcks++;
        if (syn is not null && EcnModeAccEcn)
        {
            SendAckReflecting(syn.Ecn);
        }
        else
        {
            SendAck();
        }
    }

    /// <summary>Linux __tcp_oow_rate_limited(): true when an out-of-window ACK went out less than tcp_invalid_ratelimit ago.</summary>
    private bool OutOfWindowAckRateLimited()
    {
        if (_lastOutOfWindowAck is { } last && Simulation.Now - last < Settings.InvalidAckRateLimit)
        {
            return true;
        }

        _lastOutOfWindowAck = Simulation.Now;
        return false;
    }

    private Sim.Kernel.SimTime? _lastOutOfWindowAck;

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
