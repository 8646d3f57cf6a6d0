using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// SEGMENT ARRIVES (RFC 9293 §3.10.7), in the order of Linux tcp_rcv_state_process(): the checks of
/// each state after the handshake, and the ACK field.
/// </summary>
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
                if (seq + packet.SequenceLength >= _rcvWup)
                {
                    Stack.BeyondWindowDrops++;
                }

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
            MeasureReceiverRttByTimestamp(packet);
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
        AdjustReceiveSpaceAfterDelivery();
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

            // Linux tcp_check_req(): with the listener's accept queue full (tcp_v4_syn_recv_sock():
            // ListenOverflows) the ACK is dropped and the request waits, its SYN-ACK timer still
            // running; under tcp_abort_on_overflow the ACK is answered with a RST and the request
            // dropped (embryonic_reset).
            if (!IsFullSocket && Listener is { AcceptQueueFull: true })
            {
                Stack.ListenOverflows++;
                if (Settings.AbortOnOverflow)
                {
                    Stack.SendResetAnswering(packet);
                    EnterClosed();
                }

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

                // tcp_rcv_state_process(): an orphaned socket waits out FIN-WAIT-2 as tcp_fin_time()
                // says, or, with TCP_LINGER2 negative, is dropped and the segment answered with a
                // RST; so it is when the segment brings data the closed socket cannot take
                // (TCPAbortOnData), before any timewait socket.
                if (_orphaned && CarriesDataBeyondRcvNxt(packet, new SequenceNumber(packet.SequenceNumber)))
                {
                    EnterClosed();
                    Stack.SendResetAnswering(packet);
                    return false;
                }

                if (_orphaned && !OrphanInFinWait2((packet.Flags & TcpFlags.Fin) != 0))
                {
                    Stack.SendResetAnswering(packet);
                    return false;
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
}
