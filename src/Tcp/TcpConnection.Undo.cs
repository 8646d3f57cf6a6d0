using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// Undoing a window reduction that was not needed, as Linux tcp_input.c does: D-SACKs that prove
/// every retransmission of the episode spurious (RFC 2883, RFC 3708), the Eifel timestamp test
/// that the original arrived before the retransmission (RFC 3522, tcp_packet_delayed()), and
/// F-RTO after a timeout (RFC 5682 §3.1, SACK-enhanced): new data is sent instead of
/// retransmissions, and if never-retransmitted data is then acknowledged the timeout was spurious.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>SND.UNA when the episode began (tp->undo_marker); null once undone or when undo is impossible.</summary>
    private SequenceNumber? _undoMarker;

    /// <summary>Retransmissions of the episode not yet shown spurious by a D-SACK (tp->undo_retrans); -1 before the first.</summary>
    private int _undoRetrans;

    /// <summary>ssthresh before the reduction (tp->prior_ssthresh); 0 when there is nothing to restore.</summary>
    private uint _priorSsthresh;

    /// <summary>F-RTO is running for the current timeout (tp->frto).</summary>
    private bool _frto;

    /// <summary>F-RTO step 2.b: send new data on this ACK instead of retransmitting (REXMIT_NEW).</summary>
    private bool _frtoSendNew;

    /// <summary>The TSval of the episode's first retransmission (tp->retrans_stamp in the timestamp clock).</summary>
    private uint? _retransTsVal;

    /// <summary>The current ACK's TSecr, for the Eifel test; null without timestamps.</summary>
    private uint? _ackTsEcr;

    /// <summary>The current ACK newly acknowledged or SACKed a never-retransmitted segment sent before high_seq (FLAG_ORIG_SACK_ACKED).</summary>
    private bool _origSackAcked;

    /// <summary>cwnd before the last reduction (tp->prior_cwnd), which Reno's undo restores.</summary>
    public uint PriorCwnd => _priorCwnd;

    /// <summary>Linux tcp_init_undo(): undo is possible until proven otherwise; retransmissions already out count against it.</summary>
    private void InitUndo()
    {
        _undoMarker = SndUna;
        _undoRetrans = RetransOut > 0 ? RetransOut : -1;
    }

    /// <summary>tcp_current_ssthresh(): during a reduction ssthresh itself, else at least three quarters of cwnd.</summary>
    internal uint CurrentSsthresh() => CaState is CaState.Cwr or CaState.Recovery
        ? Window.Ssthresh
        : Math.Max(Window.Ssthresh, (Window.Cwnd >> 1) + (Window.Cwnd >> 2));

    /// <summary>tcp_retransmit_skb(): a retransmission counts against undo; the first stamps the episode for the Eifel test.</summary>
    private void NoteRetransmissionForUndo()
    {
        if (_undoRetrans < 0)
        {
            _undoRetrans = 0;
        }

        _undoRetrans++;
        _retransTsVal ??= TsNow;
    }

    /// <summary>
    /// tcp_check_dsack(): a D-SACK for data sent in this episode shows one of its retransmissions
    /// spurious (counted in segments, as tcp_dsack_seen() does).
    /// </summary>
    private void NoteDsackForUndo(SequenceNumber start, SequenceNumber end)
    {
        if (_undoMarker is not { } marker || _undoRetrans <= 0 || end <= marker || end - start > (int)_maxWindow)
        {
            return;
        }

        var segments = Math.Max(1, (end - start + Mss - 1) / Mss);
        _undoRetrans = Math.Max(0, _undoRetrans - segments);
    }

    /// <summary>
    /// tcp_dsack_seen(): a D-SACK longer than the largest window is ignored; otherwise it counts
    /// its segments in dsack_dups and asks RACK to widen its reordering window.
    /// </summary>
    private void NoteDsackSeen(SequenceNumber start, SequenceNumber end)
    {
        var length = end - start;
        if (length <= 0 || length > (int)_maxWindow)
        {
            return;
        }

        Statistics.DsackDups += Math.Max(1, (length + Mss - 1) / Mss);
        _dsackSeen = true;
    }

    /// <summary>tcp_packet_delayed(): the ACK echoes a timestamp older than the first retransmission, so the original arrived (RFC 3522).</summary>
    private bool PacketDelayed() => _retransTsVal is { } stamp && _ackTsEcr is { } ecr && ecr != 0 && (int)(ecr - stamp) < 0;

    /// <summary>tcp_may_undo(): every retransmission was D-SACKed, or the original was delayed, not lost.</summary>
    private bool MayUndo() => _undoMarker is not null && (_undoRetrans == 0 || PacketDelayed());

    /// <summary>
    /// tcp_undo_cwnd_reduction(): cwnd back through the algorithm's undo_cwnd, ssthresh back to
    /// its prior value (withdrawing a queued CWR), and with <paramref name="unmarkLoss"/> every
    /// lost mark cleared.
    /// </summary>
    private void UndoCwndReduction(bool unmarkLoss)
    {
        if (unmarkLoss)
        {
            _rtx.UnmarkLost();
        }

        if (_priorSsthresh != 0)
        {
            Window.Cwnd = Congestion.UndoCwnd(this);
            if (_priorSsthresh > Window.Ssthresh)
            {
                Window.Ssthresh = _priorSsthresh;
                EcnFlags &= ~EcnFlags.QueueCwr;
            }
        }

        _undoMarker = null;
        Statistics.Undos++;
    }

    /// <summary>
    /// tcp_try_undo_recovery() as Recovery or Loss ends: undo if the episode proved spurious; Reno
    /// holds the state until something above high_seq is acknowledged (RFC 6582 §3.2 step 5).
    /// Returns true while holding.
    /// </summary>
    private bool TryUndoRecovery()
    {
        if (MayUndo())
        {
            UndoCwndReduction(unmarkLoss: false);
        }
        else if (_reoWndPersist > 0)
        {
            _reoWndPersist--;
        }

        if (SndUna == _highSeq && !SackAgreed)
        {
            if (RetransOut == 0)
            {
                ClearRetransStamp();
            }

            return true;
        }

        SetCaState(CaState.Open);
        return false;
    }

    /// <summary>tcp_try_undo_dsack(): every retransmission of the episode was D-SACKed.</summary>
    private bool TryUndoDsack()
    {
        if (_undoMarker is null || _undoRetrans != 0)
        {
            return false;
        }

        _reoWndPersist = Math.Min(RackRecoveryThreshold, _reoWndPersist + 1);
        UndoCwndReduction(unmarkLoss: false);
        return true;
    }

    /// <summary>
    /// tcp_try_undo_loss(): after a timeout, undo when it proved spurious (F-RTO, D-SACKs or
    /// timestamps); the lost marks go, and with SACK or F-RTO the state is Open again.
    /// </summary>
    private bool TryUndoLoss(bool frtoUndo)
    {
        if (!frtoUndo && !MayUndo())
        {
            return false;
        }

        UndoCwndReduction(unmarkLoss: true);
        if (frtoUndo)
        {
            Statistics.SpuriousRtos++;
        }

        Retransmits = 0;
        if (frtoUndo || SackAgreed)
        {
            SetCaState(CaState.Open);
        }

        return true;
    }

    /// <summary>
    /// tcp_try_undo_partial(): in Recovery, a partial ACK for the original of a segment that was
    /// retransmitted means reordering, not loss; with no retransmission out, undo. Returns true
    /// when retransmissions are still out: clock out new data, but mark nothing more lost.
    /// </summary>
    private bool TryUndoPartial()
    {
        if (_undoMarker is null || !PacketDelayed())
        {
            return false;
        }

        if (RetransOut > 0)
        {
            return true;
        }

        ClearRetransStamp();
        UndoCwndReduction(unmarkLoss: true);
        SetCaState(SackedOut > 0 ? CaState.Disorder : CaState.Open);
        return false;
    }

    /// <summary>
    /// tcp_process_loss() for an ACK in Loss: undo when the timeout proved spurious; F-RTO step 2.b
    /// sends new data on the first ACK that advances, step 3 decides on the next; once everything
    /// sent before the timeout is acknowledged, Loss ends.
    /// </summary>
    private int ProcessLoss(bool advanced, bool isDupAck, bool newlySacked)
    {
        var recovered = SndUna >= _highSeq;
        if (advanced && TryUndoLoss(frtoUndo: false))
        {
            return 0;
        }

        if (_frto)
        {
            // Step 3.b: never-retransmitted data was (S)ACKed, so not everything was lost.
            if (_origSackAcked && TryUndoLoss(frtoUndo: true))
            {
                return 0;
            }

            if (SndNxt > _highSeq)
            {
                // Step 3.a: the loss was real.
                if (newlySacked || isDupAck)
                {
                    _frto = false;
                }
            }
            else if (advanced && !recovered)
            {
                _highSeq = SndNxt;

                // Step 2.b: try new data, deferred until cwnd is updated; else conventional recovery.
                if (_bytesWritten > _streamNext && SendWindowEnd > SndNxt)
                {
                    _frtoSendNew = true;
                    return 0;
                }

                _frto = false;
            }
        }

        if (recovered)
        {
            if (!TryUndoRecovery())
            {
                ClearRetransStamp();
            }

            return 0;
        }

        if (!SackAgreed)
        {
            if (SndNxt > _highSeq && isDupAck)
            {
                return AddRenoSack();
            }

            if (advanced)
            {
                _renoSackedOut = 0;
            }
        }

        return 0;
    }

    private void ClearRetransStamp()
    {
        _retransStamp = Sim.Kernel.SimTime.Zero;
        _retransTsVal = null;
    }
}
