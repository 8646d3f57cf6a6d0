using NetSim.Tcp.Buffers;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// Loss recovery on an ACK: Linux tcp_fastretrans_alert() and its helpers. The state machine
/// (Open, Disorder, CWR, Recovery, Loss), loss detection (RACK, RFC 6675's scoreboard, Reno's
/// duplicate-ACK emulation with NewReno partial ACKs), and the entry into Recovery.
/// </summary>
public sealed partial class TcpConnection : ILostSegmentObserver
{
    /// <summary>tcp_notify_skb_loss_event(): the algorithm hears of every segment marked lost (skb_marked_lost).</summary>
    void ILostSegmentObserver.SegmentMarkedLost(in SentSegment segment) => Congestion.SegmentMarkedLost(this, segment);

    /// <summary>
    /// Linux tcp_fastretrans_alert(). Without SACK, duplicate ACKs stand for delivered segments
    /// (tcp_add_reno_sack()) and partial ACKs mark the next segment lost (RFC 6582). With SACK, loss
    /// is marked as Linux does with RACK off (tcp_recovery = 0): a segment is lost once tp->reordering
    /// SACKed segments lie above it (tcp_update_scoreboard(), RFC 6675 §4 IsLost). Returns the
    /// segments a duplicate ACK reports delivered without SACK.
    /// </summary>
    private int FastRetransmitAlert(bool advanced, bool isDupAck, bool newlySacked, bool ece)
    {
        var delivered = 0;

        // D. State exit. CWR holds until something above high_seq is acknowledged, so that CWR reached the receiver.
        if (CaState == CaState.Cwr && SndUna > _highSeq)
        {
            EndCwndReduction();
            SetCaState(CaState.Open);
        }

        // Recovery ends once everything sent before it is acknowledged (Loss in ProcessLoss()).
        if (CaState == CaState.Recovery && SndUna >= _highSeq)
        {
            _renoSackedOut = 0;
            if (TryUndoRecovery())
            {
                return 0;
            }

            EndCwndReduction();
            ClearRetransStamp();
        }

        // Linux: do_lost = num_dupack || (FLAG_DATA_SACKED && tcp_force_fast_retransmit()).
        var doLost = isDupAck || (newlySacked && ForwardAck(SndUna) > SndUna + (Reordering * Mss));
        var fastRetransmit = false;
        switch (CaState)
        {
            case CaState.Recovery:
                if (!advanced)
                {
                    if (!SackAgreed && isDupAck)
                    {
                        delivered = AddRenoSack();
                    }
                }
                else if (TryUndoPartial())
                {
                    return delivered;
                }

                if (TryUndoDsack())
                {
                    TryToOpen(ece);
                }

                IdentifyPacketLoss(advanced);
                if (CaState != CaState.Recovery)
                {
                    // Undo reverted the recovery; if loss is evident, a new one starts.
                    if (!TimeToRecover())
                    {
                        return delivered;
                    }

                    EnterRecovery(ece);
                    fastRetransmit = true;
                }

                break;
            case CaState.Loss:
                delivered = ProcessLoss(advanced, isDupAck, newlySacked);
                if (CaState != CaState.Loss)
                {
                    UpdateRtoTime();
                }

                if (SackAgreed)
                {
                    IdentifyPacketLoss(advanced);
                }

                if (CaState != CaState.Open)
                {
                    return delivered;
                }

                // The timeout was undone: go on as in Open.
                return delivered + OpenOrDisorder(advanced, isDupAck, ece, doLost);
            default:
                return delivered + OpenOrDisorder(advanced, isDupAck, ece, doLost);
        }

        if (SackAgreed && !RackEnabled && doLost)
        {
            UpdateScoreboard(fastRetransmit);
        }

        return delivered;
    }

    /// <summary>
    /// tcp_fastretrans_alert() in Open, Disorder or CWR: Reno's duplicate-ACK accounting, D-SACK
    /// undo, loss detection, then either stay open (tcp_try_to_open()) or enter Recovery.
    /// </summary>
    private int OpenOrDisorder(bool advanced, bool isDupAck, bool ece, bool doLost)
    {
        var delivered = 0;
        if (!SackAgreed)
        {
            if (advanced)
            {
                _renoSackedOut = 0;
            }

            if (isDupAck)
            {
                delivered = AddRenoSack();
            }
        }

        if (CaState <= CaState.Disorder)
        {
            TryUndoDsack();
        }

        IdentifyPacketLoss(advanced);
        if (!TimeToRecover())
        {
            TryToOpen(ece);
            return delivered;
        }

        // An MTU probe lost first is too big, not a sign of congestion: no window reduction.
        if (MtuProbeFailed())
        {
            return delivered;
        }

        EnterRecovery(ece);
        if (SackAgreed && !RackEnabled && doLost)
        {
            UpdateScoreboard(fastRetransmit: true);
        }

        return delivered;
    }

    /// <summary>tcp_time_to_recover(): something is lost; without RACK, also more than reordering segments SACKed.</summary>
    private bool TimeToRecover() => LostOut > 0 || (!RackEnabled && SackedOut + 1 > Reordering);

    /// <summary>
    /// Linux tcp_identify_packet_loss(): without SACK, tcp_newreno_mark_lost() marks the head lost
    /// after dupthresh duplicate ACKs, or on a partial ACK in Recovery (RFC 6582 §3.2 step 5); with
    /// SACK, RACK when it is on.
    /// </summary>
    private void IdentifyPacketLoss(bool advanced)
    {
        if (PacketsOut == 0)
        {
            return;
        }

        if (!SackAgreed)
        {
            if ((CaState < CaState.Recovery && SackedOut >= Reordering) || (CaState == CaState.Recovery && advanced))
            {
                MarkHeadLostIfNeeded();
            }
        }
        else if (RackEnabled)
        {
            RackMarkLost();
        }
    }

    /// <summary>Linux tcp_update_scoreboard() for SACK: lost are the segments below more than tp->reordering SACKed ones, or the head on a fast retransmit.</summary>
    private void UpdateScoreboard(bool fastRetransmit)
    {
        var sackedUpTo = SackedOut - Reordering;
        if (sackedUpTo >= 0)
        {
            _rtx.MarkHeadLost(sackedUpTo, _highSeq, headOnly: false);
        }
        else if (fastRetransmit)
        {
            _rtx.MarkHeadLost(1, _highSeq, headOnly: true);
        }
    }

    /// <summary>Linux tcp_add_reno_sack() with tcp_limit_reno_sacked(): a duplicate ACK stands for one segment delivered.</summary>
    private int AddRenoSack()
    {
        var prior = _renoSackedOut;
        _renoSackedOut++;
        CheckRenoReordering(0);
        return Math.Max(0, _renoSackedOut - prior);
    }

    /// <summary>
    /// Linux tcp_check_reno_reordering() with tcp_limit_reno_sacked(): more duplicate ACKs than
    /// segments out, less the holes, means reordering (or duplication): tp->reordering becomes
    /// what is out, plus <paramref name="addend"/> just acknowledged.
    /// </summary>
    private void CheckRenoReordering(int addend)
    {
        var holes = Math.Min(Math.Max(LostOut, 1), PacketsOut);
        if (_renoSackedOut + holes <= PacketsOut)
        {
            return;
        }

        _renoSackedOut = Math.Max(0, PacketsOut - holes);
        Reordering = Math.Min(PacketsOut + addend, MaxReordering);
        _reorderingSeen++;
    }

    private void MarkHeadLostIfNeeded()
    {
        if (PacketsOut > 0 && !_rtx[0].Lost)
        {
            _rtx.MarkHeadLost();
        }
    }

    /// <summary>Linux tcp_try_to_open(): an ECN echo reduces the window through CWR; otherwise Open, or Disorder while segments are SACKed (tcp_try_keep_open()).</summary>
    private void TryToOpen(bool ece)
    {
        if (ece && EnterCwr())
        {
            Statistics.EcnReductions++;
        }

        if (CaState != CaState.Cwr)
        {
            SetCaState(SackedOut > 0 ? CaState.Disorder : CaState.Open);
        }
    }

    /// <summary>
    /// Linux tcp_enter_recovery(): undo becomes possible; the window reduction starts, with the
    /// ssthresh to restore on undo (none when ECE came too), unless a CWR reduction is under way.
    /// </summary>
    private void EnterRecovery(bool ece)
    {
        _priorSsthresh = 0;
        InitUndo();
        if (CaState != CaState.Cwr)
        {
            if (!ece)
            {
                _priorSsthresh = CurrentSsthresh();
            }

            InitCwndReduction();
        }

        SetCaState(CaState.Recovery);
    }
}
