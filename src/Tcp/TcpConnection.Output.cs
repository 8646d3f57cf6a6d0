using NetSim.Sim.Network;
using NetSim.Tcp.Buffers;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>Segment transmission: Linux tcp_output.c (tcp_write_xmit, tcp_send_ack, window selection); retransmission is TcpConnection.Retransmit.cs.</summary>
public sealed partial class TcpConnection
{
    private SequenceNumber _sndSml;

    /// <summary>
    /// Whether queued data may go: while the connection is open for sending, and after close()
    /// until the FIN has gone, also when the peer's FIN came first (FIN-WAIT-1 becomes CLOSING
    /// with data still queued ahead of the FIN, as tcp_rcv_state_process() leaves it to
    /// tcp_data_snd_check()).
    /// </summary>
    private bool CanSendNewData => State is TcpState.Established or TcpState.CloseWait
        || (State == TcpState.SynReceived && FastOpenRequestPending)
        || (_finRequested && !_finSent && State is TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck);

    /// <summary>
    /// Linux tcp_xmit_retransmit_queue() then tcp_write_xmit(): while the congestion window has
    /// room, retransmit segments marked lost, then send new data the peer's window allows.
    /// </summary>
    private void PushPendingFrames() => PushPendingFrames(pushOne: false, _nonagle);

    /// <summary>
    /// <paramref name="pushOne"/>: tcp_push_one(), tcp_write_xmit() for one packet of new data
    /// from the head skb and no retransmissions. <paramref name="nonagle"/>: the Nagle rules for
    /// the last skb queued (tcp_write_xmit()'s nonagle), the socket's own or a caller's.
    /// </summary>
    private void PushPendingFrames(bool pushOne, Nagle nonagle)
    {
        if (_handedToTimeWait || State is TcpState.Closed or TcpState.Listen or TcpState.SynSent
            || (State == TcpState.SynReceived && !FastOpenRequestPending))
        {
            return;
        }

        var sent = false;
        var sentNew = false;
        var cwndLimited = false;
        _rwndLimited = false;
        _tsoDeferredByCwnd = false;

        // F-RTO step 2.b (tcp_xmit_recovery() with REXMIT_NEW): new data first; retransmit only if none could go.
        var newDataOnly = _frtoSendNew;
        var mssNow = CurrentMss();
        _frtoSendNew = false;

        // tcp_write_xmit(): an MTU probe first; one waiting for room holds everything back.
        if (!pushOne && CanSendNewData)
        {
            var probe = MtuProbe();
            if (probe == 0)
            {
                return;
            }

            sent = sentNew = probe > 0;
        }

        while (true)
        {
            if (PacketsInFlight >= Window.Cwnd)
            {
                cwndLimited = true;
                break;
            }

            if (PacingHolds())
            {
                break;
            }

            int segments;
            var lost = newDataOnly || pushOne ? -1 : _rtx.FirstLostNotRetransmitted();
            if (lost >= 0)
            {
                // tcp_xmit_retransmit_queue(): a retransmission that cannot go ends the round.
                if ((segments = RetransmitPacket(lost, mssNow)) == 0)
                {
                    break;
                }
            }
            else if (!CanSendNewData || (segments = SendNewPacket(mssNow, CwndQuota(), nonagle, pushOne)) == 0)
            {
                cwndLimited |= _tsoDeferredByCwnd;
                break;
            }
            else
            {
                sentNew = true;
            }

            if (CaState is CaState.Recovery or CaState.Cwr)
            {
                _prrOut += segments;
            }

            sent = true;
            if (pushOne && sentNew)
            {
                break;
            }
        }

        // tcp_write_xmit(): the clock of the peer's window runs while it holds back the next segment.
        if (_rwndLimited)
        {
            ChronoStart(Chrono.RwndLimited);
        }
        else
        {
            ChronoStop(Chrono.RwndLimited);
        }

        if (sent || cwndLimited)
        {
            ValidateCwnd(cwndLimited);
        }

        // Linux tcp_write_xmit(): after new data, one loss probe per tail loss episode.
        if (sentNew)
        {
            ScheduleLossProbe(advancingRto: false);
        }

        if (CanSendNewData)
        {
            CheckProbeTimer();
        }

        if (newDataOnly && SndNxt <= _highSeq)
        {
            // Nothing new could go: F-RTO gives way to conventional recovery.
            _frto = false;
            PushPendingFrames();
            return;
        }

        ReportVariables();
    }

    /// <summary>
    /// Linux tcp_cwnd_validate(): remembers, per window of data, whether cwnd was the limit. When it
    /// was not, and everything written has gone while the writer waits on the send buffer, the
    /// send buffer is what limits (TCP_CHRONO_SNDBUF_LIMITED).
    /// </summary>
    private void ValidateCwnd(bool cwndLimited)
    {
        if (SndUna >= _cwndUsageSeq || cwndLimited || (!Window.IsCwndLimited && PacketsOut > Window.MaxPacketsOut))
        {
            Window.IsCwndLimited = cwndLimited;
            Window.MaxPacketsOut = (uint)PacketsOut;
            _cwndUsageSeq = SndNxt;
        }

        if (!Window.CwndLimited && _noSpace && _bytesWritten == _streamNext && State is TcpState.Established or TcpState.CloseWait)
        {
            ChronoStart(Chrono.SndbufLimited);
        }
    }

    /// <summary>The peer's window held back the next segment in this round (tcp_write_xmit()'s is_rwnd_limited).</summary>
    private bool _rwndLimited;

    private SequenceNumber _cwndUsageSeq;

    /// <summary>
    /// Sends the next new segment, at most <paramref name="mssNow"/> (tcp_current_mss()) and
    /// <paramref name="limit"/> bytes, if the peer's window and Nagle allow it; false when nothing
    /// was sent. <paramref name="packetContinues"/>: earlier segments of the same TSO packet have
    /// gone, so the segment that ends it carries the PSH __tcp_transmit_skb() forces on the packet.
    /// <paramref name="takesPush"/>: whether the segment takes a pushed skb's PSH, where it is not
    /// whether the skb it ends was pushed (an MTU probe takes the flags of every skb it eats).
    /// </summary>
    private bool SendNewSegment(int mssNow, int limit, bool packetContinues, Nagle nonagle, out int length, bool? takesPush = null)
    {
        var unsent = _bytesWritten - _streamNext;
        length = (int)Math.Min(Math.Min(mssNow, limit), unsent);
        var fin = _finRequested && !_finSent && length == unsent;
        if (length == 0 && !fin)
        {
            return false;
        }

        // RFC 9293 §3.8.6.2.1 sender SWS avoidance: only what fits in the offered window (Linux tcp_snd_wnd_test()).
        var end = SndNxt + length + (fin ? 1 : 0);
        if (end > SendWindowEnd)
        {
            _rwndLimited = true;
            return false;
        }

        // Nagle with Minshall's refinement, or the cork (Linux tcp_nagle_test()), for the last skb
        // queued only: one that more data follows goes at once (TCP_NAGLE_PUSH); a FIN is never held.
        if (length < mssNow && !fin && _writeQueue.HeadIsTail(_streamNext) && NagleHolds(partial: true, nonagle))
        {
            return false;
        }

        if (QdiscRefuses())
        {
            return false;
        }

        // PSH: the segment ends an skb tcp_mark_push() marked, which retransmissions keep; or it
        // ends a TSO packet of several segments. A bare FIN carries ACK and FIN only (tcp_send_fin()).
        var pushed = takesPush ?? (length > 0 && _writeQueue.PushedAt(_streamNext + length));
        var endsPacket = length == limit || fin;
        var segment = new SentSegment
        {
            Start = SndNxt,
            SequenceLength = length + (fin ? 1 : 0),
            PayloadLength = length,
            StreamOffset = _streamNext,
            Fin = fin,
            Psh = pushed,
            Eor = length > 0 && _writeQueue.EorAt(_streamNext + length),
            EndsPacket = endsPacket,
            FirstSent = Simulation.Now,
        };
        var psh = pushed || (packetContinues && endsPacket);
        var wasIdle = PacketsOut == 0;

        // The driver gets a TSO packet whole: its transmit timestamps go with its first segment.
        _timestampedPacketEnd = packetContinues ? SndNxt : SndNxt + (int)Math.Min(limit, unsent);
        var nothingInFlight = PacketsInFlight == 0;
        _rate.SkbSent(ref segment, PacketsOut, PacketsInFlight, Counts, Simulation.Now);
        _rtx.Append(segment);
        Transmit(segment.Start, length, _streamNext, TcpFlags.Ack | (fin ? TcpFlags.Fin : TcpFlags.None) | (psh ? TcpFlags.Psh : TcpFlags.None), continuesPacket: packetContinues);
        OnDataSent(nothingInFlight);
        _streamNext += length;
        SndNxt = end;
        if (length < mssNow)
        {
            _sndSml = end;
        }

        if (fin)
        {
            _finSent = true;
        }

        // RFC 6298 §5.1 (Linux tcp_event_new_data_sent()): the RTO starts with the first segment
        // outstanding, and is recounted from the oldest segment's send over a pending loss probe.
        if (wasIdle || _lossProbeTimer?.IsArmed == true)
        {
            RearmRto(ProbeOrReorderingPending);
        }

        return true;
    }

    private void SendSyn()
    {
        var syn = new SentSegment
        {
            Start = Iss,
            SequenceLength = 1,
            Syn = true,
            EndsPacket = true,
            FirstSent = Simulation.Now,
        };
        _rate.SkbSent(ref syn, PacketsOut, PacketsInFlight, Counts, Simulation.Now);
        _rtx.Append(syn);
        SndNxt = Iss + 1;
        Transmit(Iss, 0, 0, TcpFlags.Syn);
        ArmRetransmitTimer();
    }

    /// <summary>Linux tcp_send_ack(): a bare ACK carrying the current window.</summary>
    private void SendAck() => Transmit(SndNxt, 0, _streamNext, TcpFlags.Ack);

    /// <summary>
    /// Linux tcp_send_active_reset(): the socket's own RST and ACK at SND.NXT, sent through
    /// tcp_transmit_skb() as any segment of the connection, so with the current window and the
    /// options every segment carries (timestamps with the clock read now, SACK blocks).
    /// </summary>
    private void SendActiveReset() => Transmit(SndNxt, 0, _streamNext, TcpFlags.Rst | TcpFlags.Ack);

    /// <summary>
    /// Builds and sends one segment; every segment that carries an ACK clears a pending delayed ACK
    /// (tcp_event_ack_sent()). A SYN carries the MSS option, and the window scale and SACK-permitted
    /// options when this side offers them (a SYN-ACK only when the SYN offered them too, RFC 7323
    /// §2.2, RFC 2018 §2); later segments carry SACK blocks while data is held out of order.
    /// <paramref name="continuesPacket"/>: earlier segments of the same TSO packet went, and this
    /// one carries the program-written options they did (GSO copies the packet's header).
    /// </summary>
    private void Transmit(SequenceNumber seq, int payloadLength, long streamOffset, TcpFlags flags, SequenceNumber? ackNumber = null, bool continuesPacket = false)
    {
        ValidateRoute();
        var packet = RentSegment(seq);
        packet.Flags = MarkEcn(packet, seq, payloadLength, flags);
        packet.PayloadLength = payloadLength;
        var syn = (flags & TcpFlags.Syn) != 0;
        var synAck = syn && (flags & TcpFlags.Ack) != 0;
        if (syn)
        {
            packet.MssOption = AdvertisedMss;
            // A SYN-ACK offers the scale chosen when the SYN arrived (the request's rcv_wscale), which
            // a Fast Open child's buffer set-up, done before its SYN-ACK goes, must not change.
            var offerScaling = synAck ? WindowScalingAgreed : Settings.WindowScaling;
            packet.WindowScaleOption = !offerScaling ? (sbyte)-1 : synAck ? (sbyte)RcvWscale : (sbyte)OfferedWindowScale;
            packet.SackPermitted = synAck ? SackAgreed : Settings.Sack;
            packet.FastOpen = _handshakeFastOpen;
        }

        // RFC 7323 §3.2: a SYN offers timestamps; once agreed, every segment carries them, echoing
        // TS.Recent. A SYN echoes the TS.Recent it holds, none but one taken over from a TIME-WAIT
        // socket (tcp_syn_options()).
        if (syn ? (synAck ? TimestampsAgreed : Settings.Timestamps) : TimestampsAgreed)
        {
            packet.HasTimestamps = true;
            packet.TsVal = _answeringWithCookie ? _synCookieTsVal : TsNow;
            packet.TsEcr = syn && !synAck && !_tsRecentValid ? 0 : _tsRecent;
        }

        packet.StreamOffset = streamOffset;
        if (synAck)
        {
            WriteSynAckAccEcnOption(packet);
        }
        else if (!syn)
        {
            // Linux tcp_established_options(): as many SACK blocks as fit in 40 bytes beside the
            // timestamps, then the AccECN option, which may take the space of blocks beyond two.
            var sackBlocks = SackBlocksToSend(packet.HasTimestamps);
            if (EcnModeAccEcn)
            {
                sackBlocks = WriteAccEcnOption(packet, sackBlocks);
            }

            _sackBlocks.WriteTo(packet, sackBlocks);
        }

        var acksReceiveNext = (flags & TcpFlags.Ack) != 0 && (ackNumber is null || ackNumber == RcvNxt);
        if ((flags & TcpFlags.Ack) != 0)
        {
            packet.AcknowledgmentNumber = (ackNumber ?? RcvNxt).Value;
        }

        // RFC 7323 §2.2: the window of a SYN or SYN-ACK is never scaled. __tcp_transmit_skb()
        // selects it before tcp_event_ack_sent() clears what was pending (ICSK_ACK_NOMEM among it).
        packet.Window = syn ? (ushort)Math.Min(RcvWnd, ushort.MaxValue) : SelectWindow();
        if (acksReceiveNext)
        {
            OnAckSent();
        }

        // __tcp_transmit_skb(): the header is whole (ACK number, window) before tcp_options_write()
        // runs WRITE_HDR_OPT_CB, which sees it.
        WriteProgramOptions(packet, continuesPacket);

        Statistics.SegmentsOut++;
        if (payloadLength > 0)
        {
            Statistics.DataSegmentsOut++;
            Statistics.BytesSent += payloadLength;
        }

        AdvanceDeparture(payloadLength);
        TimestampOnTransmit(packet, seq, payloadLength);
        ChargeBelowSocket(packet, continuesPacket);
        SendOnBoundInterface(packet);
    }

    /// <summary>A pooled packet from this connection's end to its peer's, starting at <paramref name="seq"/>, with the socket's IP TOS.</summary>
    private Packet RentSegment(SequenceNumber seq)
    {
        var packet = Stack.Host.Pool.Rent();
        packet.Source = LocalAddress;
        packet.Destination = RemoteAddress;
        packet.SourcePort = LocalPort;
        packet.DestinationPort = RemotePort;
        packet.SequenceNumber = seq.Value;
        packet.Tos = Tos;
        return packet;
    }

    /// <summary>
    /// Linux tcp_select_window(): the window <see cref="ComputeWindow"/> offers, which never moves
    /// the right edge already offered back (RFC 9293 §3.8.6). Returns the header's field.
    /// </summary>
    private ushort SelectWindow()
    {
        // Linux since 2024 ("tcp: correct handling of extreme memory squeeze"): data refused for
        // want of memory closes the window, and the zero window is the one in force.
        if (_ackNoMemory)
        {
            RcvWnd = 0;
            _rcvWup = RcvNxt;
            AdvanceMaxWindowEnd();
            return 0;
        }

        var unit = 1L << RcvWscale;
        var window = ComputeWindow();
        var offered = ReceiveWindowNow;
        if (window < offered && !WindowMayShrink)
        {
            window = (offered + unit - 1) / unit * unit;
        }

        RcvWnd = (uint)window;
        _rcvWup = RcvNxt;
        AdvanceMaxWindowEnd();
        return (ushort)(window >> RcvWscale);
    }

    /// <summary>What is left of the window last offered (Linux tcp_receive_window()).</summary>
    private long ReceiveWindowNow => Math.Max(0, (_rcvWup + (int)RcvWnd) - RcvNxt);

    /// <summary>
    /// Linux __tcp_select_window(): the free receive space, at most rcv_ssthresh. With less than
    /// half the buffer free, quick ACKs stop, and below a sixteenth of it or one segment the
    /// window closes (receiver SWS avoidance, RFC 9293 §3.8.6.2.2). Scaled, the window is aligned
    /// up to a multiple of 2^RcvWscale so that it is not scaled away (RFC 7323 §2.3); unscaled, it
    /// is rounded down to whole segments unless the window in force is within a segment of it.
    /// </summary>
    private long ComputeWindow()
    {
        var unit = 1L << RcvWscale;
        long allowed = _receiveBuffer.Capacity;
        long full = Math.Min(Math.Min((long)ushort.MaxValue << RcvWscale, allowed), WindowClamp);
        long mss = Math.Min(ReceiveMss, full);
        if (mss <= 0)
        {
            return 0;
        }

        long free = _receiveBuffer.FreeSpace;
        if (WindowMayShrink)
        {
            return ShrinkableWindow(free, full, allowed, mss, unit);
        }

        if (free < full / 2)
        {
            _quickAcks = 0;
            free = free / unit * unit;
            if (free < allowed / 16 || free < mss)
            {
                return 0;
            }
        }

        free = Math.Min(free, _rcvSsthresh);
        if (RcvWscale > 0)
        {
            return (free + unit - 1) / unit * unit;
        }

        long window = RcvWnd;
        if (window <= free - mss || window > free)
        {
            window = free / mss * mss;
        }
        else if (mss == full && free > window + (full / 2))
        {
            window = free;
        }

        return window;
    }

    /// <summary>
    /// Linux tcp_cleanup_rbuf() after a read: ACK now if a delayed ACK is due (<see cref="AckDueAfterRead"/>), or if the window can at least double (receiver SWS avoidance, RFC 9293 §3.8.6.2.2).
    /// Not once the peer has closed, as no more data will come.
    /// </summary>
    private void SendWindowUpdateIfWorthIt()
    {
        if (_handedToTimeWait || State is TcpState.Closed or TcpState.Listen or TcpState.SynSent or TcpState.SynReceived)
        {
            return;
        }

        if (AckDueAfterRead())
        {
            SendAck();
            return;
        }

        if (State is TcpState.CloseWait or TcpState.LastAck or TcpState.Closing or TcpState.TimeWait)
        {
            return;
        }

        var now = ReceiveWindowNow;
        if (2 * now <= _receiveBuffer.Capacity)
        {
            var window = ComputeWindow();
            if (window > 0 && window >= 2 * now)
            {
                SendAck();
            }
        }
    }
}
