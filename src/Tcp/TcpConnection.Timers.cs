using NetSim.Sim.Network;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>Timers: Linux tcp_timer.c (tcp_retransmit_timer, tcp_write_timeout, tcp_delack_timer) and the TIME-WAIT expiry.</summary>
public sealed partial class TcpConnection
{
    private SimTime _retransStamp;

    /// <summary>When the last acceptable ACK arrived (tp->rcv_tstamp).</summary>
    private SimTime _lastAckReceived;

    /// <summary>TCP_THIN_LINEAR_RETRIES: linear timeouts a thin stream gets before backing off.</summary>
    private const int ThinLinearRetries = 6;

    /// <summary>tcp_stream_is_thin(): fewer than four segments out, past the initial slow start.</summary>
    private bool IsThinStream => PacketsOut < 4 && Window.Ssthresh < CongestionWindow.InfiniteSsthresh;
    private int _totalRto;
    private int _synAckRetransmissions;

    /// <summary>
    /// tcp_update_rto_stats() at a retransmission timeout: the first of a recovery counts one and
    /// stamps its start; every one counts in icsk_retransmits and total_rto.
    /// </summary>
    private void UpdateRtoStats()
    {
        if (Retransmits == 0)
        {
            TotalRtoRecoveries++;
            _rtoStamp = Simulation.Now;
        }

        Retransmits++;
        _totalRto++;
    }

    /// <summary>tcp_update_rto_time(): a recovery a timeout started has ended; its time is added.</summary>
    private void UpdateRtoTime()
    {
        if (_rtoStamp is { } stamp)
        {
            _totalRtoTimeMs += Simulation.Now.Milliseconds - stamp.Milliseconds;
            _rtoStamp = null;
        }
    }

    /// <summary>
    /// Linux tcp_retransmit_timer(): RTO_CB (from tcp_write_timeout()) before any loss handling,
    /// abort when the retry limit is exhausted, else enter Loss, retransmit the head, back off.
    /// A passive open still in SYN-RECEIVED is a request socket, whose SYN-ACK timer runs no program.
    /// A peer that shrank its window to zero under data in flight is probed instead (<see cref="ProbeShrunkenWindow"/>).
    /// </summary>
    private void OnRetransmitTimer()
    {
        if (State == TcpState.SynReceived && !IsFullSocket)
        {
            OnSynAckTimer();
            return;
        }

        // tcp_retransmit_timer(): before its SYN-ACK is acknowledged a Fast Open child resends that and nothing else.
        if (FastOpenRequestPending)
        {
            OnFastOpenSynAckTimer();
            return;
        }

        if (PacketsOut == 0 || _handedToTimeWait)
        {
            return;
        }

        _tlpHighSeq = null;
        if (SndWnd == 0 && !_orphaned && State is not (TcpState.SynSent or TcpState.SynReceived))
        {
            ProbeShrunkenWindow();
            return;
        }

        // tcp_write_timeout(): retransmissions going on for tcp_retries1's horizon suggest a black hole.
        if (State is not (TcpState.SynSent or TcpState.SynReceived) && RetransmitsTimedOut(Settings.Retries1))
        {
            DetectMtuBlackHole();
        }

        var expired = WriteTimedOut();
        if (FlagSet(SockOpsCallbackFlags.Rto))
        {
            CallSockOps(SockOp.RtoCb, (uint)Retransmits, Settings.ToJiffies(Rto), expired ? 1u : 0u);
        }

        if (expired)
        {
            WriteError();
            return;
        }

        if (RethinkTxHash())
        {
            TimeoutRehashes++;
        }

        Statistics.RetransmissionTimeouts++;
        Observer?.OnRetransmissionTimeout(this, Retransmits);
        EnterLoss();
        UpdateRtoStats();
        if (RetransmitOneSegment(0, State == TcpState.SynSent ? RetransmissionCause.Handshake : RetransmissionCause.Timeout) == RetransmitResult.QdiscDropped)
        {
            // The host's qdisc refused it: the next try comes after TCP_RESOURCE_PROBE_INTERVAL, no backoff.
            ArmRetransmitTimer(ResourceProbeInterval);
            return;
        }

        BackOffRetransmitTimer();
    }

    /// <summary>
    /// tcp_retransmit_timer()'s "receiver dastardly shrinks window" branch: with the peer's window
    /// at zero and data in flight, the head goes as a zero-window probe (SND.UNA goes even into a
    /// closed window) and the RTO backs off, but this is no timeout: no RTO_CB, no retry counted,
    /// no tcp_write_timeout() limit. The connection is given up only once the peer has been silent,
    /// and the probes unanswered, for twice TCP_RTO_MAX (tcp_rtx_probe0_timed_out()).
    /// </summary>
    private void ProbeShrunkenWindow()
    {
        if (ShrunkenWindowProbesTimedOut())
        {
            WriteError();
            return;
        }

        EnterLoss();
        RetransmitOneSegment(0, RetransmissionCause.Timeout);
        BackOffRetransmitTimer();
    }

    /// <summary>
    /// Linux tcp_rtx_probe0_timed_out(): nothing heard for 2 * TCP_RTO_MAX (or the user timeout)
    /// and the retransmissions that long without progress; past TCP_USER_TIMEOUT in any case.
    /// </summary>
    private bool ShrunkenWindowProbesTimedOut()
    {
        var retransmitting = Simulation.Now - (_retransStamp != SimTime.Zero ? _retransStamp : _rtx[0].LastSent);
        var timeout = Settings.MaxRto * 2;
        if (UserTimeout > SimTime.Zero)
        {
            if (retransmitting > UserTimeout)
            {
                return true;
            }

            timeout = SimTime.Min(timeout, UserTimeout);
        }

        return Simulation.Now - _lastAckReceived > timeout && retransmitting > timeout;
    }

    /// <summary>
    /// tcp_retransmit_timer()'s out_reset_timer: the RTO doubles up to TCP_RTO_MAX and the timer
    /// re-arms, clamped to the user timeout.
    /// </summary>
    private void BackOffRetransmitTimer()
    {
        // A thin stream (TCP_THIN_LINEAR_TIMEOUTS) keeps an unbacked-off RTO for its first
        // TCP_THIN_LINEAR_RETRIES timeouts; tcp_syn_linear_timeouts keeps the initial RTO for the first SYN retransmissions.
        if (State == TcpState.Established && (ThinLinearTimeouts || Settings.ThinLinearTimeouts) && IsThinStream && Retransmits <= ThinLinearRetries)
        {
            Backoff = 0;
            Rto = Rtt.Rto;
        }
        else if (State != TcpState.SynSent || _totalRto > Settings.SynLinearTimeouts)
        {
            Backoff++;
            Rto = SimTime.Min(Rto * 2, Settings.MaxRto);
        }

        ArmRetransmitTimer(RtoClampedToUserTimeout());

        // retransmits_timed_out(sk, tcp_retries1 + 1) computes its horizon from tcp_timeout_init() in SYN-SENT.
        if (State == TcpState.SynSent)
        {
            CallSockOps(SockOp.TimeoutInit);
        }

        ReportVariables();
    }

    /// <summary>
    /// Linux tcp_write_timeout(): in SYN-SENT a count (tcp_syn_retries plus the linear timeouts);
    /// otherwise retransmits_timed_out() against TCP_USER_TIMEOUT, or without one the time a full
    /// exponential backoff from TCP_RTO_MIN would take for tcp_retries2 retransmissions
    /// (tcp_model_timeout()).
    /// </summary>
    private bool WriteTimedOut()
    {
        if (State == TcpState.SynSent)
        {
            return Retransmits >= Settings.SynRetries + Settings.SynLinearTimeouts;
        }

        if (Retransmits == 0)
        {
            return false;
        }

        return UserTimeout > SimTime.Zero ? UserTimeoutPassed(_retransStamp) : RetransmitsTimedOut(Settings.Retries2);
    }

    /// <summary>
    /// retransmits_timed_out() without a user timeout: RTO retransmissions have gone on for as long
    /// as <paramref name="boundary"/> of them would take backing off from TCP_RTO_MIN.
    /// </summary>
    private bool RetransmitsTimedOut(int boundary) =>
        Retransmits > 0 && Simulation.Now - _retransStamp >= ModelTimeout(boundary, SimTime.FromMilliseconds(200));

    /// <summary>Linux tcp_model_timeout(): exponential backoff from <paramref name="rtoBase"/> until TCP_RTO_MAX, then linear.</summary>
    private SimTime ModelTimeout(int boundary, SimTime rtoBase)
    {
        var threshold = (int)Math.Log2(Settings.MaxRto.Nanoseconds / rtoBase.Nanoseconds);
        return boundary <= threshold
            ? rtoBase * ((2L << boundary) - 1)
            : (rtoBase * ((2L << threshold) - 1)) + (Settings.MaxRto * (boundary - threshold));
    }

    /// <summary>
    /// Linux tcp_enter_loss(): ssthresh is cut once per loss episode; every outstanding segment not
    /// SACKed (with RACK, not sent within RACK.rtt) is marked lost, cwnd becomes what is still in
    /// flight plus one and high_seq = snd_nxt.
    /// </summary>
    private void EnterLoss()
    {
        var newRecovery = CaState < CaState.Recovery;
        _lossCause = RetransmissionCause.Timeout;

        // Linux tcp_timeout_mark_lost(): RACK spares segments sent within the last RACK.rtt.
        _rtx.MarkLostAfterTimeout(RackEnabled ? _rackRttUs * 1000 : 0, Simulation.Now);
        if (CaState <= CaState.Disorder || SndUna >= _highSeq || (CaState == CaState.Loss && Retransmits == 0))
        {
            _priorSsthresh = CurrentSsthresh();
            _priorCwnd = Window.Cwnd;
            Window.Ssthresh = Congestion.Ssthresh(Window);
            Congestion.CwndEvent(this, CaEvent.Loss);
            InitUndo();
        }

        // A timeout in Disorder after many duplicate ACKs: the reordering degree was overestimated.
        if (CaState <= CaState.Disorder && SackedOut >= Settings.DupThresh)
        {
            Reordering = Math.Min(Reordering, Settings.DupThresh);
        }

        _renoSackedOut = 0;
        Window.Cwnd = (uint)PacketsInFlight + 1;
        Window.CwndCount = 0;

        // tcp_set_ca_state() tells the algorithm even when a timeout repeats in Loss.
        if (CaState == CaState.Loss)
        {
            Congestion.SetState(Window, CaState.Loss);
        }

        SetCaState(CaState.Loss);
        _highSeq = SndNxt;
        QueueCwr();

        // F-RTO (RFC 5682 §3.1 step 1): unless a recovery was under way, bar timeouts recurring on the same SND.UNA.
        _frto = Settings.Frto && (newRecovery || Retransmits > 0);
    }

    /// <summary>
    /// The request socket's SYN-ACK timer (Linux reqsk_timer_handler() and inet_rtx_syn_ack()):
    /// exponential backoff from the TIMEOUT_INIT value, tcp_synack_retries attempts, no sock_ops callback.
    /// </summary>
    private void OnSynAckTimer()
    {
        // reqsk_timer_handler(): a request whose listener has stopped listening is dropped.
        if (ListenerStopped)
        {
            DropRequest();
            return;
        }

        if (_synAckRetransmissions >= Settings.SynAckRetries)
        {
            Abort("ETIMEDOUT");
            return;
        }

        _synAckRetransmissions++;
        Statistics.TotalRetransmissions++;

        // tcp_rtx_synack(): each retransmitted SYN-ACK goes with a new hash when rehashing is on.
        RethinkTxHash();
        ref var synAck = ref _rtx[0];
        synAck.EverRetransmitted = true;
        Transmit(Iss, 0, 0, TcpFlags.Syn | TcpFlags.Ack);
        Observer?.OnRetransmission(this, Iss, 1, RetransmissionCause.Handshake);
        _retransmitTimer.ArmAfter(SimTime.Min(Rto * (1L << _synAckRetransmissions), Settings.MaxRto));
    }

    /// <summary>
    /// The timewait socket's end: 2*MSL has passed in TIME-WAIT (RFC 9293 §3.10.8), FIN-WAIT-2 timed
    /// out (tcp_fin_timeout), or <see cref="EndTimeWait"/> cut it short.
    /// </summary>
    private void CloseTimeWait()
    {
        Stack.OnTimeWaitLeft();
        var previous = State;
        State = TcpState.Closed;
        Observer?.OnStateChanged(this, previous, TcpState.Closed);
        Stack.Remove(this);
        Closed?.Invoke(this);
    }
}
