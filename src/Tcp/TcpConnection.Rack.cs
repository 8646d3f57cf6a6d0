using NetSim.Sim.Kernel;
using NetSim.Tcp.Buffers;
using NetSim.Tcp.Congestion;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Tcp;

/// <summary>
/// RACK loss detection (RFC 8985 §6, Linux tcp_recovery.c with tcp_recovery = 1, the default):
/// a segment is lost once a segment sent after it has been delivered and more than RACK.rtt plus
/// a reordering window has passed since it was sent. The window is zero until reordering has
/// been seen, once in recovery or with tp->reordering segments SACKed, and otherwise a quarter of the
/// minimum RTT; a segment not yet due is checked again by the reordering timer.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Linux TCP_TIMEOUT_MIN: two jiffies added to the reordering timeout.</summary>
    private const int TimeoutMinJiffies = 2;

    private RackSample _rack = RackSample.None;
    private long _rackRttUs;
    private bool _rackAdvanced;
    private int _reorderingSeen;
    private int _reoWndSteps = 1;
    private int _reoWndPersist;
    private long _reoWndLastDelivered;
    private bool _dsackSeen;

    /// <summary>Linux TCP_RACK_RECOVERY_THRESH: recoveries a widened reordering window persists for.</summary>
    private const int RackRecoveryThreshold = 16;

    /// <summary>Linux tcp_max_reordering.</summary>
    private const int MaxReordering = 300;

    /// <summary>The reordering degree the sender assumes, in segments (tp->reordering; starts at tcp_reordering, 3).</summary>
    public int Reordering { get; private set; }

    /// <summary>Linux sysctl tcp_min_rtt_wlen: how long tcp_min_rtt() remembers a sample, in seconds.</summary>
    private const uint MinRttWindowSeconds = 300;

    /// <summary>tp->rtt_min: the smallest RTT samples of the window, by jiffies; ~0U until the first (tcp_init_sock()).</summary>
    private Congestion.WindowedMinMax _minRtt;
    private Timer? _reoTimer;

    /// <summary>The reordering timer armed while this ACK was processed (tcp_rack_mark_lost() returned true): the ACK sets no other timer.</summary>
    private bool _reoTimerArmedByAck;

    /// <summary>tcp_rack_reo_timeout() is running: icsk_pending is still ICSK_TIME_REO_TIMEOUT.</summary>
    private bool _reorderingTimeoutRunning;

    /// <summary>icsk_pending is ICSK_TIME_REO_TIMEOUT: armed, or running its expiry.</summary>
    private bool ReorderingTimerPending => _reoTimer?.IsArmed == true || _reorderingTimeoutRunning;

    /// <summary>RACK is in use: SACK agreed and the setting on (Linux tcp_is_rack()).</summary>
    private bool RackEnabled => SackAgreed && Settings.Rack;

    /// <summary>
    /// tcp_min_rtt(): the smallest RTT sample of the last five minutes, in microseconds; before any
    /// sample, 4294967295 (~0U), which is also what sock_ops programs read in rtt_min.
    /// </summary>
    public long MinRttUs => (long)_minRtt.Best;

    /// <summary>
    /// tcp_update_rtt_min(): a sample from an ACK that may have been delayed is skipped when it is
    /// above the minimum (the filter would otherwise take the delay for path once the minimum ages
    /// out); a zero sample counts as one jiffy.
    /// </summary>
    private void NoteMinRtt(SimTime sample, bool ackMaybeDelayed)
    {
        var rttUs = sample.Microseconds;
        if (ackMaybeDelayed && rttUs > MinRttUs)
        {
            return;
        }

        _minRtt.RunningMin(MinRttWindowSeconds * (uint)Settings.Hz, Jiffies, (ulong)(rttUs > 0 ? rttUs : 1_000_000 / Settings.Hz));
    }

    /// <summary>Linux tcp_rack_advance(), summed over the segments an ACK delivered: RACK.rtt from the last, RACK.xmit_ts from the latest sent.</summary>
    private void RackAdvance(RackSample sample)
    {
        if (!sample.Advanced)
        {
            return;
        }

        _rackAdvanced = true;
        _rackRttUs = sample.RttUs;
        if (_rack.Sent == SimTime.Never || RackSample.SentAfter(sample.Sent, _rack.Sent, sample.End, _rack.End))
        {
            _rack = sample;
        }
    }

    /// <summary>
    /// Linux tcp_rack_reo_wnd(): zero until reordering has been seen, once in recovery or with
    /// tp->reordering segments SACKed; otherwise a quarter of the minimum RTT per step, at most SRTT.
    /// </summary>
    private long ReorderingWindowUs()
    {
        if (_reorderingSeen == 0 && (CaState >= CaState.Recovery || SackedOut >= Reordering))
        {
            return 0;
        }

        return Math.Min((MinRttUs >> 2) * _reoWndSteps, Rtt.SrttUs8 >> 3);
    }

    /// <summary>
    /// Linux tcp_rack_update_reo_wnd() (RFC 8985 §6.2.4): a D-SACK, at most one per round trip,
    /// widens the reordering window by a step; it stays wide for 16 recoveries (reo_wnd_persist),
    /// then returns to one step.
    /// </summary>
    private void UpdateReorderingWindow(long priorDelivered)
    {
        if (priorDelivered == 0)
        {
            return;
        }

        if (priorDelivered < _reoWndLastDelivered)
        {
            _dsackSeen = false;
        }

        if (_dsackSeen)
        {
            _reoWndSteps = Math.Min(0xFF, _reoWndSteps + 1);
            _dsackSeen = false;
            _reoWndLastDelivered = Delivered;
            _reoWndPersist = RackRecoveryThreshold;
        }
        else if (_reoWndPersist == 0)
        {
            _reoWndSteps = 1;
        }
    }

    /// <summary>
    /// Linux tcp_check_sack_reordering(): an original segment delivered below the highest SACK
    /// was reordered, not lost. tp->reordering grows to the distance, in segments, from it to
    /// <see cref="ForwardAck"/> (at most tcp_max_reordering, 300).
    /// </summary>
    /// <param name="sndUna">SND.UNA as this ACK leaves it (tcp_ack() moves it before tcp_clean_rtx_queue()).</param>
    private void CheckSackReordering(SequenceNumber low, SequenceNumber sndUna)
    {
        var fack = ForwardAck(sndUna);
        if (low >= fack)
        {
            return;
        }

        var metric = fack - low;
        if (metric > Reordering * Mss)
        {
            Reordering = Math.Min((metric + Mss - 1) / Mss, MaxReordering);
        }

        _reorderingSeen++;
    }

    /// <summary>Linux tcp_rack_mark_lost(): after an ACK that advanced RACK, marks what is due and arms the reordering timer for the rest.</summary>
    private void RackMarkLost()
    {
        if (!_rackAdvanced)
        {
            return;
        }

        _rackAdvanced = false;
        var (_, waitNs) = _rtx.DetectLoss(_rack, (_rackRttUs + ReorderingWindowUs()) * 1000, Simulation.Now);
        if (waitNs > 0)
        {
            ClearTransmitTimer();
            _reoTimer ??= new Timer(Simulation, OnReorderingTimer);
            var jiffies = (waitNs * Settings.Hz + 999_999_999L) / 1_000_000_000L + TimeoutMinJiffies;
            _reoTimer.ArmAfter(SimTime.Min(Settings.FromJiffies(jiffies), Rto));
            _reoTimerArmedByAck = true;
        }
    }

    /// <summary>
    /// Linux tcp_rack_reo_timeout(): the reordering window has passed; what is now due is lost,
    /// recovery starts if it had not, and the lost segments go out.
    /// </summary>
    private void OnReorderingTimer()
    {
        if (_handedToTimeWait || State == TcpState.Closed || PacketsOut == 0)
        {
            return;
        }

        _reorderingTimeoutRunning = true;
        var priorInFlight = PacketsInFlight;
        var lostBefore = LostOut;
        _rtx.DetectLoss(_rack, (_rackRttUs + ReorderingWindowUs()) * 1000, Simulation.Now);
        if (priorInFlight != PacketsInFlight)
        {
            if (CaState != CaState.Recovery)
            {
                EnterRecovery(ece: false);
                if (Congestion is not IModelBasedCongestionControl)
                {
                    ReduceCwnd(1, advancedWithoutNewLoss: LostOut == lostBefore);
                }
            }

            PushPendingFrames();
        }

        // The reordering timer is still the pending one: the RTO counts from the oldest segment's send.
        _reorderingTimeoutRunning = false;
        RearmRto(probeOrReorderingPending: true);
        ReportVariables();
    }
}
