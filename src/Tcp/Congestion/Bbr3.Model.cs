namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBRv3's path model per ACK (tcp_bbr.c bbr_update_model()): round counting, ACK aggregation,
/// the Startup exits (bandwidth plateau, loss, ECN), Drain, the minimum-RTT filter with ProbeRtt,
/// the gains of each mode, and the app-limited fast path.
/// </summary>
public sealed partial class Bbr3
{
    private void UpdateModel(RateSample rs)
    {
        UpdateCongestionSignals(rs);
        UpdateAckAggregation(rs, RoundStart, FullBandwidthReached ? ExtraAckedWindowRtts : 1);
        CheckLossTooHighInStartup(rs);
        CheckFullBandwidthReached(rs);
        CheckDrain();
        UpdateCyclePhase(rs);
        UpdateMinRtt(rs);
    }

    /// <summary>
    /// bbr_run_fast_path(): app-limited, below the model's bandwidth, without loss or ECN this
    /// round, and cwnd at its target: only the mode, phase and RTT checks run; the model and,
    /// when none of them changed, the control are left as they are.
    /// </summary>
    private bool RunFastPath(RateSample rs, out bool updateModel)
    {
        updateModel = true;
        if (!_tryFastPath || !rs.IsAppLimited || _sampleBw >= MaxBandwidth || _lossInRound || _ecnInRound)
        {
            return false;
        }

        var priorMode = Mode;
        var priorMinRtt = MinRttUs;
        CheckDrain();
        UpdateCyclePhase(rs);
        UpdateMinRtt(rs);
        if (Mode == priorMode && MinRttUs == priorMinRtt && _tryFastPath)
        {
            return true;
        }

        updateModel = false;
        return false;
    }

    /// <summary>bbr_update_round_start(): a round ends when a segment sent after the last round's end is delivered.</summary>
    private void UpdateRoundStart(RateSample rs)
    {
        RoundStart = false;
        if (rs.IntervalUs > 0 && rs.PriorDelivered >= NextRttDelivered)
        {
            NextRttDelivered = Connection.Delivered;
            RoundStart = true;
        }
    }

    /// <summary>bbr_reset_full_bw().</summary>
    private void ResetFullBandwidth()
    {
        _fullBw = 0;
        _fullBwCount = 0;
        _fullBwNow = false;
    }

    /// <summary>
    /// bbr_check_full_bw_reached(): three rounds without a sample 25% above the plateau fill the
    /// pipe (full_bw_now, which also ends a ProbeBw Up phase).
    /// </summary>
    private void CheckFullBandwidthReached(RateSample rs)
    {
        if (_fullBwNow || rs.IsAppLimited)
        {
            return;
        }

        var threshold = (uint)(((ulong)_fullBw * FullBwThreshold) >> BbrScale);
        if (_sampleBw >= threshold)
        {
            ResetFullBandwidth();
            _fullBw = _sampleBw;
            return;
        }

        if (!RoundStart)
        {
            return;
        }

        _fullBwCount++;
        _fullBwNow = _fullBwCount >= FullBwCount;
        FullBandwidthReached |= _fullBwNow;
    }

    /// <summary>
    /// bbr_check_loss_too_high_in_startup(): at the end of a recovery round with at least six
    /// loss events and a loss rate above 2%, Startup ends.
    /// </summary>
    private void CheckLossTooHighInStartup(RateSample rs)
    {
        if (FullBandwidthReached)
        {
            return;
        }

        if (rs.Losses > 0 && _lossEventsInRound < 0xF)
        {
            _lossEventsInRound++;
        }

        if (_lossRoundStart && Connection.CaState == CaState.Recovery && _lossEventsInRound >= FullLossCount
            && IsInflightTooHigh(rs.TxInFlight, rs.Lost, rs.DeliveredCe, rs.Delivered))
        {
            HandleQueueTooHighInStartup();
            return;
        }

        if (_lossRoundStart)
        {
            _lossEventsInRound = 0;
        }
    }

    /// <summary>bbr_handle_queue_too_high_in_startup(): the pipe is full, and inflight_hi starts at the BDP or what was last delivered in a round.</summary>
    private void HandleQueueTooHighInStartup()
    {
        FullBandwidthReached = true;
        _inflightHi = Math.Max(Inflight(MaxBandwidth, BbrUnit), _inflightLatest);
    }

    /// <summary>bbr_check_drain(): a full pipe sends Startup to Drain; Drain ends, into ProbeBw Down, once inflight is down to the BDP.</summary>
    private void CheckDrain()
    {
        var connection = Connection;
        if (Mode == BbrMode.Startup && FullBandwidthReached)
        {
            Mode = BbrMode.Drain;
            connection.Window.Ssthresh = Inflight(MaxBandwidth, BbrUnit);
            ResetCongestionSignals();
        }

        if (Mode == BbrMode.Drain && PacketsInNetAtEdt((uint)connection.PacketsInFlight) <= Inflight(MaxBandwidth, BbrUnit))
        {
            Mode = BbrMode.ProbeBw;
            StartProbeDown();
        }
    }

    /// <summary>bbr_check_probe_rtt_done(), once cwnd is restored: the next ProbeRtt is scheduled from now.</summary>
    protected override void LeaveProbeRtt()
    {
        _probeRttMinStamp = Jiffies;
        ExitProbeRtt();
    }

    /// <summary>bbr_exit_probe_rtt(): forget the short-term bounds; back to Startup, or to ProbeBw cruising with the next probe scheduled.</summary>
    private void ExitProbeRtt()
    {
        ResetLowerBounds();
        if (FullBandwidthReached)
        {
            Mode = BbrMode.ProbeBw;
            StartProbeDown();
            StartProbeCruise();
        }
        else
        {
            Mode = BbrMode.Startup;
        }
    }

    /// <summary>
    /// bbr_update_min_rtt(): the minimum RTT of the last 5 s schedules ProbeRtt; the 10-second
    /// minimum is the model's. ProbeRtt holds inflight at half the BDP for 200 ms and a round.
    /// </summary>
    private void UpdateMinRtt(RateSample rs)
    {
        var connection = Connection;
        var hz = (uint)connection.Settings.Hz;
        var probeRttExpired = (int)(Jiffies - (_probeRttMinStamp + connection.Settings.ToJiffies(Sim.Kernel.SimTime.FromMilliseconds(ProbeRttWindowMs)))) > 0;
        if (rs.RttUs >= 0 && (rs.RttUs < _probeRttMinUs || (probeRttExpired && !rs.IsAckDelayed)))
        {
            _probeRttMinUs = (uint)rs.RttUs;
            _probeRttMinStamp = Jiffies;
        }

        var minRttExpired = (int)(Jiffies - (_minRttStamp + (MinRttWindowSeconds * hz))) > 0;
        if (_probeRttMinUs <= MinRttUs || minRttExpired)
        {
            MinRttUs = _probeRttMinUs;
            _minRttStamp = _probeRttMinStamp;
        }

        if (probeRttExpired && !IdleRestart && Mode != BbrMode.ProbeRtt)
        {
            EnterProbeRtt();
            _ackPhase = BbrAckPhase.ProbeStopping;
            NextRttDelivered = connection.Delivered;
        }

        HoldProbeRtt(rs, ProbeRttCwnd());
    }

    /// <summary>bbr_update_gains(): Startup 2.77/2, Drain 0.35/2, ProbeBw by phase with cwnd gain 2 (2.25 probing up), ProbeRtt 1/1.</summary>
    private void UpdateGains()
    {
        (PacingGain, CwndGain) = Mode switch
        {
            BbrMode.Startup => (StartupPacingGain, StartupCwndGain),
            BbrMode.Drain => (DrainGain, StartupCwndGain),
            BbrMode.ProbeBw => (PacingGainByPhase[(int)Phase], SteadyCwndGain + (Phase == BbrProbeBwPhase.Up ? BbrUnit * ProbeCwndGainQuarters / 4 : 0)),
            _ => (BbrUnit, BbrUnit),
        };
    }
}
