using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// ACK processing: Linux tcp_ack(), tcp_sacktag_write_queue(), tcp_clean_rtx_queue() with the RTT
/// sample, then congestion control: the algorithm's cong_avoid or cong_control, and Proportional
/// Rate Reduction (RFC 6937, tcp_cwnd_reduction()). Loss recovery is in TcpConnection.Recovery.cs.
/// </summary>
public sealed partial class TcpConnection
{
    private SequenceNumber _highSeq;

    /// <summary>Where the segment after the highest SACKed one starts (tp->highest_sack's seq).</summary>
    private SequenceNumber _highestSack;

    /// <summary>The largest window the peer has offered (tp->max_window).</summary>
    private uint _maxWindow;
    private uint _priorCwnd;
    private int _prrDelivered;
    private int _prrOut;
    private (uint Cwnd, uint Ssthresh, long Srtt, SimTime Rto, long InFlight) _reported;

    /// <summary>
    /// Linux tcp_ack(): the window update, the SACK scoreboard (tcp_sacktag_write_queue()), the
    /// cumulative ACK with its RTT sample (tcp_clean_rtx_queue(), tcp_ack_update_rtt()), loss
    /// recovery for a dubious ACK, then congestion control.
    /// </summary>
    private void ProcessAck(Packet packet)
    {
        var ack = new SequenceNumber(packet.AcknowledgmentNumber);
        var seq = new SequenceNumber(packet.SequenceNumber);
        var priorDelivered = Delivered;
        var priorLost = _rtx.TotalLost;
        _rate.Sample.Reset(PacketsInFlight);
        _ackTsEcr = TimestampsAgreed && packet.HasTimestamps ? packet.TsEcr : null;
        if (_ackTsEcr is { } tsEcr)
        {
            ReceivedTsVal = packet.TsVal;
            ReceivedTsEcr = tsEcr != 0 ? unchecked(tsEcr - _tsOffset) : 0;
        }
        _origSackAcked = false;
        if (ack < SndUna)
        {
            // Linux tcp_ack() old_ack: an ACK below SND.UNA still carries SACK information.
            if (SackAgreed && packet.SackBlockCount > 0 && State is not TcpState.SynSent)
            {
                var (sacked, _, _) = TagSackBlocks(packet, SndUna, PriorFack);
                if (sacked > 0)
                {
                    FastRetransmitAlert(advanced: false, isDupAck: false, newlySacked: true, ece: false);
                }
            }

            return;
        }

        var priorUna = SndUna;
        var priorPackets = PacketsOut;
        var priorSackedBytes = _rtx.SackedBytes;
        var priorBytesAcked = Statistics.BytesAcked;
        var headerPredicted = OnLinuxFastPath(packet);
        var slowPath = !EcnModeAccEcn || !headerPredicted;

        var priorFack = PriorFack;
        var priorSackedOut = _rtx.SackedOut;
        var priorDsacks = Statistics.DsacksReceived;
        // tcp_ack(): an acceptable ACK shows something worked; a soft error logged from ICMP goes.
        SoftError = null;
        ProbesOut = 0;
        _probesStamp = SimTime.Never;
        _lastAckReceived = Simulation.Now;

        // RFC 7323 §2.2: the peer's shift applies to every window but a SYN's.
        var window = (packet.Flags & TcpFlags.Syn) != 0 ? packet.Window : (uint)packet.Window << SndWscale;
        var windowUpdated = UpdateSendWindow(seq, ack, window);
        var advanced = ack > SndUna;
        var isDupAck = !advanced && !windowUpdated && packet.PayloadLength == 0
            && (packet.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && PacketsOut > 0;

        var (newlySacked, sackRttFrom, sackCaRttFrom) = SackAgreed && packet.SackBlockCount > 0 ? TagSackBlocks(packet, ack, priorFack) : (0, SimTime.Never, SimTime.Never);
        var delivered = newlySacked;
        SimTime? rttSample = sackRttFrom == SimTime.Never ? null : Simulation.Now - sackRttFrom;

        // The congestion control's sample (ca_rtt_us): from the last segment (S)ACKed.
        SimTime? caRtt = sackCaRttFrom == SimTime.Never ? null : Simulation.Now - sackCaRttFrom;
        var ackedPackets = 0;
        var ece = IsEcnEcho(packet);
        var ackMaybeDelayed = false;
        if (advanced)
        {
            var acked = _rtx.RemoveAcked(ack, Simulation.Now, MinRttUs);
            ackedPackets = acked.Packets;
            _origSackAcked |= acked.LowestOriginal is { } original && original < _highSeq;
            if (SackAgreed)
            {
                RackAdvance(acked.Rack);

                // A non-retransmitted hole got filled: that is reordering.
                if (acked.LowestOriginal is { } low && low < priorFack)
                {
                    CheckSackReordering(low, ack);
                }
            }

            SndUna = ack;
            Statistics.BytesAcked += ack - priorUna;
            Retransmits = 0;

            // tcp_clean_rtx_queue(): the SYN acknowledged (FLAG_SYN_ACKED) ends its retransmission episode.
            if (State is TcpState.SynSent)
            {
                ClearRetransStamp();
            }

            if (_txTimestampKeys.Count > 0)
            {
                TimestampAcked(priorUna);
            }

            // Karn's rule (RFC 6298 §3): no sample from send times when retransmitted data is acknowledged
            // (FLAG_RETRANS_DATA_ACKED); then the SACK sample, then the echoed timestamp (RFC 7323 §4).
            if (!acked.RetransmittedDataAcked && acked.OldestFirstSent != SimTime.Never)
            {
                rttSample = Simulation.Now - acked.OldestFirstSent;
                caRtt ??= Simulation.Now - acked.NewestFirstSent;
                ackMaybeDelayed = AckMaybeDelayed(acked, ack - priorUna, priorSackedOut, newlySacked, priorDsacks, ece);
            }
            else if (rttSample is null && acked.Packets > 0 && TimestampRtt(packet) is { } echoed)
            {
                rttSample = echoed;
                caRtt = echoed;
            }

            if (SackAgreed)
            {
                delivered += acked.Packets - acked.PreviouslySacked;
            }
            else
            {
                // Linux tcp_remove_reno_sacks(): the first ACKed segment fills the hole, the rest were counted by dupacks.
                delivered = Math.Max(acked.Packets - _renoSackedOut, 1);
                _renoSackedOut = acked.Packets - 1 >= _renoSackedOut ? 0 : _renoSackedOut - (acked.Packets - 1);
                CheckRenoReordering(acked.Packets);
            }
        }

        // Linux tcp_rack_update_reo_wnd(), after tcp_clean_rtx_queue().
        UpdateReorderingWindow(_rate.Sample.PriorDelivered);

        // tcp_clean_rtx_queue() counts what it delivered (tcp_count_delivered()) before the RTT
        // sample, so RTT_CB sees it; ECE makes the ACK dubious (FLAG_ECE in FLAG_CA_ALERT).
        CountDelivered(delivered, ece);

        if (rttSample is { } sample)
        {
            AddRttSample(sample, caRtt ?? sample, ackMaybeDelayed);
        }

        if (advanced)
        {
            CheckMtuProbeAcked();
        }

        // ops->pkts_acked at the end of tcp_clean_rtx_queue(), in SYN-SENT too: the algorithm hears the
        // SYN's RTT before tcp_init_transfer() calls its init.
        if (IsFullSocket)
        {
            Congestion.PacketsAcked(this, ackedPackets + newlySacked, caRtt is { } ca ? ca.Microseconds : -1);
        }

        // tcp_accecn_process(): the ACE field's increase, before the algorithm hears of the ACK.
        if (EcnModeAccEcn)
        {
            var deliveredBytes = advanced ? (uint)(ack - priorUna) : (uint)Math.Max(0, _rtx.SackedBytes - priorSackedBytes);
            var synAcked = State is TcpState.SynSent;
            var ceDelivered = ProcessAccEcnFeedback(packet, (uint)(Delivered - priorDelivered), deliveredBytes,
                progress: advanced || newlySacked > 0 || (slowPath && _ackTsProgress), slowPath, synAcked,
                firstDataAcked: advanced && !synAcked && priorBytesAcked <= Mss);
            if (ceDelivered > 0)
            {
                DeliveredCe += ceDelivered;
                ece = true;
            }
        }

        // The algorithm hears of the ACK once its segments are counted (tcp_in_ack_event()): on
        // tcp_ack()'s fast path a predicted header that advanced SND.UNA, else the slow path's flags.
        var caFlags = headerPredicted && advanced
            ? CaAckFlags.WindowUpdate
            : CaAckFlags.SlowPath | (windowUpdated ? CaAckFlags.WindowUpdate : CaAckFlags.None);
        Congestion.InAckEvent(this, caFlags | (ece ? CaAckFlags.Ece : CaAckFlags.None));
        if (_tlpHighSeq is not null)
        {
            ProcessLossProbeAck(ack, advanced, isDupAck, newlySacked > 0);
        }

        var lostBefore = LostOut;
        _reoTimerArmedByAck = false;
        if (isDupAck || advanced || newlySacked > 0 || CaState != CaState.Open || ece)
        {
            var renoDelivered = FastRetransmitAlert(advanced, isDupAck, newlySacked > 0, ece);
            CountDelivered(renoDelivered, ece);
            delivered += renoDelivered;
        }

        SetTransmitTimer(advanced && !_reoTimerArmedByAck);

        // Linux tcp_rate_gen(): the delivery-rate sample of this ACK, then tcp_cong_control().
        var rate = _rate.Sample;
        rate.RttUs = caRtt is { } sampleRtt ? sampleRtt.Microseconds : -1;
        rate.IsAckDelayed = ackedPackets == 1 && newlySacked == 0 && ack - priorUna < Mss && SackedOut == 0 && CaState == CaState.Open;
        rate.IsEce = ece;
        _rate.Generate(Delivered - priorDelivered, _rtx.TotalLost - priorLost, Counts, Simulation.Now, MinRttUs);
        CongestionControl(delivered, advanced, newlyLost: LostOut > lostBefore);

        if (priorPackets == 0)
        {
            OnAckWhileProbing();
        }

        // tcp_clean_rtx_queue(): with everything acknowledged the busy clock stops.
        if (PacketsOut == 0)
        {
            ChronoStop(Chrono.Busy);
        }

        // tcp_check_space(): with the writer waiting for room, tcp_new_space() first lets the send
        // buffer grow; the writer is woken when the stream is writeable again (sk_stream_write_space()).
        if (advanced && _noSpace && SendBufferShouldGrow)
        {
            ExpandSendBuffer();
        }

        if (advanced && State is TcpState.Established or TcpState.CloseWait && Writeable(wake: true))
        {
            if (_noSpace)
            {
                _noSpace = false;
                ChronoStop(Chrono.SndbufLimited);
            }

            SendSpaceAvailable?.Invoke(this);
        }
    }

    /// <summary>
    /// Linux tcp_set_xmit_timer() at the end of tcp_ack(), for an ACK that acknowledged data
    /// (FLAG_SET_XMIT_TIMER) and after which RACK did not arm the reordering timer (RFC 6298
    /// §5.2-5.3): a loss probe when one may go in the state loss recovery left, else the RTO.
    /// </summary>
    private void SetTransmitTimer(bool dataAcked)
    {
        if (dataAcked && !ScheduleLossProbe(advancingRto: true))
        {
            RearmRto(ProbeOrReorderingPending);
        }
    }

    /// <summary>prior_fack, taken before an ACK is processed (<see cref="ForwardAck"/>).</summary>
    private SequenceNumber PriorFack => ForwardAck(SndUna);

    /// <summary>
    /// Linux tcp_highest_sack_seq(): where the segment after the highest SACKed one starts, or
    /// <paramref name="sndUna"/> while nothing is SACKed. With no segment after it, tp->highest_sack
    /// is NULL and SND.NXT stands in until new data is sent, which becomes tp->highest_sack
    /// (tcp_event_new_data_sent()): the end of the highest SACKed segment either way.
    /// </summary>
    private SequenceNumber ForwardAck(SequenceNumber sndUna) => SackedOut == 0 ? sndUna : _highestSack;

    /// <summary>
    /// Linux tcp_sacktag_write_queue(): a first block below the cumulative ACK, or inside the
    /// second block, is a D-SACK (RFC 2883 §4, tcp_check_dsack()) and tags nothing; the others,
    /// taken in sequence order, mark the segments they cover. Returns the segments newly SACKed
    /// and the send time for the SACK RTT sample.
    /// </summary>
    private (int Newly, SimTime RttFrom, SimTime CaRttFrom) TagSackBlocks(Packet packet, SequenceNumber ack, SequenceNumber priorFack)
    {
        Span<SackBlock> blocks = stackalloc SackBlock[SackBlockArray.MaxBlocks];
        var count = 0;
        for (var i = 0; i < packet.SackBlockCount; i++)
        {
            var block = packet.SackBlockAt(i);
            var start = new SequenceNumber(block.Start);
            var end = new SequenceNumber(block.End);
            var isDsack = i == 0 && (start < ack || (packet.SackBlockCount > 1 && IsInside(block, packet.SackBlockAt(1))));
            if (isDsack)
            {
                Statistics.DsacksReceived++;
                NoteDsackSeen(start, end);
                NoteDsackForUndo(start, end);
                continue;
            }

            // Linux tcp_is_sackblock_valid(): within what was sent and not yet acknowledged.
            if (start < end && end <= SndNxt && start >= ack)
            {
                blocks[count++] = block;
            }
        }

        blocks[..count].Sort((a, b) => new SequenceNumber(a.Start).CompareTo(new SequenceNumber(b.Start)));
        var newly = 0;
        var rttFrom = SimTime.Never;
        var caRttFrom = SimTime.Never;
        SequenceNumber? reord = null;

        // tcp_highest_sack_reset(): with nothing SACKed the highest SACK starts over from SND.UNA.
        if (SackedOut == 0)
        {
            _highestSack = SndUna;
        }
        foreach (var block in blocks[..count])
        {
            // Linux recv_sack_cache: what the previous ACK's blocks covered is tagged already; walk the rest.
            var start = new SequenceNumber(block.Start);
            var end = new SequenceNumber(block.End);
            var from = start;
            foreach (var cached in _sackCache.AsSpan(0, _sackCacheCount))
            {
                var cachedStart = new SequenceNumber(cached.Start);
                var cachedEnd = new SequenceNumber(cached.End);
                if (cachedEnd <= from || cachedStart >= end)
                {
                    continue;
                }

                if (cachedStart > from)
                {
                    Tag(start, end, from, cachedStart);
                }

                from = SequenceNumber.Max(from, cachedEnd);
            }

            if (from < end)
            {
                Tag(start, end, from, end);
            }
        }

        blocks[..count].CopyTo(_sackCache);
        _sackCacheCount = count;
        if (reord is { } low && (CaState != CaState.Loss || _undoMarker is not null))
        {
            CheckSackReordering(low, ack);
        }

        return (newly, rttFrom, caRttFrom);

        void Tag(SequenceNumber start, SequenceNumber end, SequenceNumber from, SequenceNumber to)
        {
            var tagged = _rtx.MarkSacked(start, end, from, to, Simulation.Now, MinRttUs);
            newly += tagged.Newly;
            RackAdvance(tagged.Rack);
            if (tagged.LowestOriginal is { } original)
            {
                // Below the highest SACK before this ACK: reordered (tcp_sacktag_one()'s state->reord).
                if (original < priorFack && (reord is null || original < reord))
                {
                    reord = original;
                }

                _origSackAcked |= original < _highSeq;
            }
            if (rttFrom == SimTime.Never)
            {
                rttFrom = tagged.FirstSent;
            }

            if (tagged.LastSent != SimTime.Never)
            {
                caRttFrom = tagged.LastSent;
            }

            // tcp_sacktag_walk(): a SACKed segment starting at or above tcp_highest_sack_seq() moves
            // tp->highest_sack to the segment after it (tcp_advance_highest_sack()).
            if (tagged.Newly > 0 && tagged.HighestStart >= _highestSack)
            {
                _highestSack = tagged.HighestEnd;
            }
        }
    }

    /// <summary>The valid SACK blocks of the previous ACK, in sequence order (Linux tp->recv_sack_cache).</summary>
    private readonly SackBlock[] _sackCache = new SackBlock[SackBlockArray.MaxBlocks];
    private int _sackCacheCount;

    private static bool IsInside(SackBlock inner, SackBlock outer) =>
        new SequenceNumber(inner.End) <= new SequenceNumber(outer.End) && new SequenceNumber(inner.Start) >= new SequenceNumber(outer.Start);

    /// <summary>
    /// Linux tcp_rtt_tsopt_us(): the RTT from the echoed timestamp, in whole milliseconds of the TSval
    /// clock (a difference of 0 counts as 1 ms); null without a usable echo.
    /// </summary>
    private SimTime? TimestampRtt(Packet packet)
    {
        if (!TimestampsAgreed || !packet.HasTimestamps || packet.TsEcr == 0)
        {
            return null;
        }

        var milliseconds = (int)(TsNow - packet.TsEcr);
        return milliseconds < 0 ? null : SimTime.FromMilliseconds(Math.Max(1, milliseconds));
    }

    /// <summary>RFC 9293 §3.10.7.4 (SND.WL1/WL2) as Linux tcp_may_update_window(); true when the window changed.</summary>
    private bool UpdateSendWindow(SequenceNumber seq, SequenceNumber ack, uint window)
    {
        if (ack > SndUna || seq > _sndWl1 || (seq == _sndWl1 && (window > SndWnd || window == 0)))
        {
            var changed = window != SndWnd;
            SndWnd = window;
            if (changed && HasUnsentData)
            {
                // tcp_ack_update_window(): data waiting on a window that moves may have idled.
                RestartWindowAfterIdle();
            }

            _maxWindow = Math.Max(_maxWindow, window);
            _sndWl1 = seq;
            _sndWl2 = ack;
            return changed;
        }

        return false;
    }

    /// <summary>
    /// Linux tcp_cong_control(): in Recovery, PRR sets cwnd; otherwise cwnd grows when the ACK
    /// acknowledged new data, or with reordering above tcp_reordering any delivery (tcp_may_raise_cwnd()).
    /// The SYN-ACK grows no window (it acknowledges no data, FLAG_SYN_ACKED, and tcp_init_transfer()
    /// sets the window after it), but sets the first pacing rate, from the SYN's RTT and the window
    /// of the moment.
    /// </summary>
    private void CongestionControl(int delivered, bool advanced, bool newlyLost)
    {
        if (Congestion is IModelBasedCongestionControl model)
        {
            // In SYN-SENT Linux runs the model on its zeroed state, and its init (bbr_init()) then
            // overwrites all that this could have written: pacing rate, window and model alike.
            if (_congestionInitialized)
            {
                model.CongControl(this, _rate.Sample);
            }

            return;
        }

        if (CaState is CaState.Recovery or CaState.Cwr)
        {
            ReduceCwnd(delivered, advanced && !newlyLost);
        }
        else if (delivered > 0 && State is not TcpState.SynSent && (advanced || Reordering > Settings.DupThresh))
        {
            // RFC 3465 §2: count what was acknowledged, or without ABC one segment per ACK.
            Congestion.CongestionAvoid(Window, Settings.ByteCounting ? (uint)delivered : 1u);
        }

        UpdatePacingRate();
    }

    /// <summary>
    /// Proportional Rate Reduction, RFC 6937 §3 with PRR-SSRB, as Linux tcp_cwnd_reduction(): an ACK
    /// that advances SND.UNA without marking anything newly lost allows one more segment.
    /// </summary>
    private void ReduceCwnd(int newlyAckedSacked, bool advancedWithoutNewLoss)
    {
        if (!Settings.Prr)
        {
            // RFC 6675 §5 step 4.2 (and RFC 5681 without the inflation): cwnd is ssthresh for the whole
            // recovery; what may be sent is cwnd less the pipe.
            Window.Cwnd = Math.Max(1, Window.Ssthresh);
            return;
        }

        if (newlyAckedSacked <= 0 || _priorCwnd == 0)
        {
            return;
        }

        var delta = (int)Window.Ssthresh - PacketsInFlight;
        _prrDelivered += newlyAckedSacked;
        int sendCount;
        if (delta < 0)
        {
            var dividend = ((long)Window.Ssthresh * _prrDelivered) + _priorCwnd - 1;
            sendCount = (int)(dividend / _priorCwnd) - _prrOut;
        }
        else
        {
            sendCount = Math.Max(_prrDelivered - _prrOut, newlyAckedSacked);
            if (advancedWithoutNewLoss)
            {
                sendCount++;
            }

            sendCount = Math.Min(delta, sendCount);
        }

        // Force the fast retransmit on entering recovery.
        sendCount = Math.Max(sendCount, _prrOut > 0 ? 0 : 1);
        Window.Cwnd = (uint)Math.Max(1, PacketsInFlight + sendCount);
    }

    private void SetCaState(CaState state)
    {
        if (CaState != state)
        {
            CaState = state;
            Congestion.SetState(Window, state);
        }
    }

    /// <summary>
    /// tcp_clean_rtx_queue()'s FLAG_ACK_MAYBE_DELAYED: the ACK wholly acknowledged one segment
    /// shorter than the MSS, nothing was SACKed before it, nothing else was delivered since that
    /// segment was sent, and the ACK carries no SACK, D-SACK or ECE and acknowledges no SYN:
    /// typically a lone runt answered by a delayed ACK.
    /// </summary>
    private bool AckMaybeDelayed(Buffers.AckedSegments acked, int bytesAcked, int priorSackedOut, int newlySacked, long priorDsacks, bool ece)
    {
        // tp->delivered at that point: a SACK connection has counted this ACK's segments, a Reno one not yet.
        var delivered = Delivered + (SackAgreed ? newlySacked + acked.Packets - acked.PreviouslySacked : 0);
        return acked.Packets == 1 && !acked.TrimmedHead && priorSackedOut == 0 && bytesAcked < Mss
            && _rate.Sample.PriorDelivered + 1 == delivered
            && newlySacked == 0 && Statistics.DsacksReceived == priorDsacks && !ece
            && State is not (TcpState.SynSent or TcpState.SynReceived);
    }

    /// <summary>
    /// Linux tcp_ack_update_rtt(): the windowed minimum takes the congestion control's sample
    /// <paramref name="caRtt"/> (tcp_update_rtt_min()), then the estimator <paramref name="measured"/>,
    /// calling RTT_CB where tcp_rtt_estimator() does, with the measurement and the new srtt as
    /// arguments. The kernel stores srtt_us after the callback, so during it the program still
    /// reads the previous value. Then tcp_set_rto(), which also drops any backoff.
    /// </summary>
    private void AddRttSample(SimTime measured, SimTime caRtt, bool ackMaybeDelayed)
    {
        NoteMinRtt(caRtt, ackMaybeDelayed);
        var previousSrtt = Rtt.SrttUs8;
        var callback = Rtt.AddSample(measured.Microseconds, SndUna, SndNxt);
        if (callback && FlagSet(SockOpsCallbackFlags.Rtt))
        {
            var newSrtt = Rtt.SrttUs8;
            _srttForCallback = previousSrtt;
            CallSockOps(SockOp.RttCb, (uint)Math.Max(1, measured.Microseconds), (uint)newSrtt);
            _srttForCallback = null;
        }

        Rto = Rtt.Rto;
        Backoff = 0;
        Observer?.OnRttSample(this, measured);
    }

    private long? _srttForCallback;

    /// <summary>tp->srtt_us as a program reads it: during RTT_CB still the value before this sample.</summary>
    public long SrttUs8ForSockOps => _srttForCallback ?? Rtt.SrttUs8;

    /// <summary>Fires <see cref="ITcpConnectionObserver.OnVariablesChanged"/> when a traced variable differs from the last report.</summary>
    private void ReportVariables()
    {
        if (Observer is null)
        {
            return;
        }

        var now = (Window.Cwnd, Window.Ssthresh, Rtt.SrttUs8, Rto, BytesInFlight);
        if (now != _reported)
        {
            _reported = now;
            Observer.OnVariablesChanged(this);
        }
    }
}
