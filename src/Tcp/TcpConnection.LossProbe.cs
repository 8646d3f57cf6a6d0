using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Tcp;

/// <summary>
/// Tail loss probes (RFC 8985 §7, Linux tcp_schedule_loss_probe(), tcp_send_loss_probe() and
/// tcp_process_tlp_ack(), tcp_early_retrans = 3 or 4): when the last segments of a flight may be
/// lost, so that no later ACK would reveal it, a probe two smoothed RTTs after the last send
/// (plus the minimum RTO with one segment out, for the delayed ACK) sends new data or resends the
/// last segment, so that SACK and RACK repair the loss without waiting for the RTO. The probe
/// timer takes the place of the retransmission timer, as ICSK_TIME_LOSS_PROBE does.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Linux TCP_TIMEOUT_MIN_US: two jiffies.</summary>
    private SimTime TimeoutMin => Settings.FromJiffies(2);

    private Timer? _lossProbeTimer;

    /// <summary>SND.NXT when the probe went out (tp->tlp_high_seq), while its outcome is open.</summary>
    private SequenceNumber? _tlpHighSeq;

    /// <summary>The probe resent a segment rather than sending new data (tp->tlp_retrans).</summary>
    private bool _tlpRetransmitted;

    /// <summary>The segment the last loss probe resent had been sent app-limited (tp->tlp_orig_data_app_limited).</summary>
    public bool TlpOriginalAppLimited { get; private set; }

    /// <summary>Loss probes sent (LINUX_MIB_TCPLOSSPROBES).</summary>
    public long LossProbes { get; private set; }

    /// <summary>
    /// Linux tcp_schedule_loss_probe(): arms the probe in place of the RTO when a probe may go; true
    /// when it did. Not before a Fast Open child's handshake ends: its timer is the SYN-ACK's.
    /// </summary>
    private bool ScheduleLossProbe(bool advancingRto)
    {
        if (!Settings.TailLossProbe || PacketsOut == 0 || !SackAgreed || CaState is not (CaState.Open or CaState.Cwr)
            || !IsFullSocket || _handedToTimeWait || FastOpenRequestPending)
        {
            return false;
        }

        SimTime timeout;
        if (Rtt.HasSample)
        {
            var probe = SimTime.FromMicroseconds(Rtt.SrttUs8 >> 2) + (PacketsOut == 1 ? Settings.MinRto : TimeoutMin);
            timeout = Settings.RoundUpToJiffy(probe);
        }
        else
        {
            timeout = Settings.InitialRto;
        }

        // If the RTO would come sooner, the probe goes then: a whole RTO from now when this ACK
        // advances it, else what is left of the oldest segment's.
        var rtoDelta = advancingRto ? Rto : RtoDelta();
        if (rtoDelta > SimTime.Zero)
        {
            timeout = SimTime.Min(timeout, Settings.RoundUpToJiffy(rtoDelta));
        }

        ClearTransmitTimer();
        _lossProbeTimer ??= new Timer(Simulation, SendLossProbe);
        _lossProbeTimer.ArmAfter(timeout);
        return true;
    }

    /// <summary>Linux tcp_rto_delta_us(): how long until the RTO of the oldest outstanding segment.</summary>
    private SimTime RtoDelta() => PacketsOut == 0 ? SimTime.Zero : (_rtx[0].LastSent + Rto) - Simulation.Now;

    /// <summary>
    /// inet_csk_clear_xmit_timer(): in Linux the RTO, the loss probe, the reordering timer and the
    /// zero-window probe timer are one timer (icsk_retransmit_timer, icsk_pending saying which), so
    /// arming one of them ends the others; each is armed after this.
    /// </summary>
    private void ClearTransmitTimer()
    {
        _retransmitTimer.Cancel();
        _lossProbeTimer?.Cancel();
        _reoTimer?.Cancel();
        _persistTimer.Cancel();
    }

    /// <summary>Arms the retransmission timer for one RTO, or <paramref name="after"/>.</summary>
    private void ArmRetransmitTimer(SimTime? after = null)
    {
        ClearTransmitTimer();
        _retransmitTimer.ArmAfter(after ?? Rto);
    }

    /// <summary>
    /// icsk_pending is ICSK_TIME_LOSS_PROBE or ICSK_TIME_REO_TIMEOUT: the loss probe or the
    /// reordering timer holds the connection's one retransmission timer.
    /// </summary>
    private bool ProbeOrReorderingPending => _lossProbeTimer?.IsArmed == true || ReorderingTimerPending;

    /// <summary>
    /// Linux tcp_rearm_rto(): no timer once nothing is outstanding; otherwise the RTO, a full one
    /// from now, or, when a loss probe or the reordering timer was the pending one, what is left
    /// of the oldest segment's (tcp_rto_delta_us(), at least a microsecond, in whole jiffies).
    /// While a Fast Open child's SYN-ACK is unacknowledged the timer is the SYN-ACK's, and stays.
    /// </summary>
    private void RearmRto(bool probeOrReorderingPending)
    {
        if (FastOpenRequestPending)
        {
            return;
        }

        if (PacketsOut == 0)
        {
            ClearTransmitTimer();
            return;
        }

        ArmRetransmitTimer(probeOrReorderingPending ? Settings.RoundUpToJiffy(SimTime.Max(RtoDelta(), SimTime.FromMicroseconds(1))) : null);
    }

    /// <summary>
    /// Linux tcp_send_loss_probe(): at most one probe outstanding; new data if the window allows
    /// (tcp_write_xmit() with TCP_NAGLE_OFF: Nagle and the cork never hold a probe), otherwise the
    /// last segment again (RETRANS_CB runs for it, as __tcp_retransmit_skb() calls it).
    /// </summary>
    private void SendLossProbe()
    {
        if (_handedToTimeWait || State == TcpState.Closed || PacketsOut == 0)
        {
            return;
        }

        var probed = false;
        if (_tlpHighSeq is null)
        {
            _tlpRetransmitted = false;
            var before = PacketsOut;
            if (CanSendNewData && SendNewPacket(CurrentMss(), Math.Max(CwndQuota(), 1), Nagle.Off, pushOne: true) > 0)
            {
                LossProbeSent();
                probed = true;
            }
            else if (PacketsOut == before)
            {
                TlpOriginalAppLimited = _rtx[PacketsOut - 1].TxAppLimited;
                if (RetransmitOneSegment(PacketsOut - 1, RetransmissionCause.LossProbe) == RetransmitResult.Sent)
                {
                    _tlpRetransmitted = true;
                    LossProbeSent();
                    probed = true;
                }
            }
        }

        // After a probe the RTO restarts from now (icsk_pending reset before tcp_rearm_rto()); with
        // none sent the probe timer is still the pending one.
        RearmRto(probeOrReorderingPending: !probed);
        ReportVariables();
    }

    private void LossProbeSent()
    {
        _tlpHighSeq = SndNxt;
        LossProbes++;
    }

    /// <summary>
    /// Linux tcp_process_tlp_ack(): once the ACK reaches the probe, a probe of new data, or a
    /// duplicate ACK showing that both the probe and the original arrived, ends the episode; an ACK
    /// beyond it after a resent segment means the original was lost: the window is reduced once,
    /// through CWR, as tcp_init_cwnd_reduction() and tcp_end_cwnd_reduction() do.
    /// </summary>
    private void ProcessLossProbeAck(SequenceNumber ack, bool advanced, bool isDupAck, bool newlySacked)
    {
        if (_tlpHighSeq is not { } high || ack < high)
        {
            return;
        }

        if (!_tlpRetransmitted)
        {
            _tlpHighSeq = null;
        }
        else if (ack > high)
        {
            _tlpHighSeq = null;
            Congestion.CwndEvent(this, CaEvent.TlpRecovery);
            InitCwndReduction();
            SetCaState(CaState.Cwr);
            EndCwndReduction();
            SetCaState(SackedOut > 0 ? CaState.Disorder : CaState.Open);
        }
        else if (isDupAck && !advanced && !newlySacked)
        {
            _tlpHighSeq = null;
        }
        else
        {
            // Whether this ACK is for the original or the probe cannot be told yet.
            _rate.Sample.IsAckingTlpRetransSeq = true;
        }
    }
}
