namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBRv3's ProbeBw cycle (tcp_bbr.c): when the next probe comes (a randomised wait, or as soon as
/// a Reno flow would), and the phases Down, Cruise, Refill and Up it moves through.
/// </summary>
public sealed partial class Bbr3
{
    /// <summary>
    /// bbr_pick_probe_wait(): the next probe comes after 2 to 3 seconds, or after a Reno-like
    /// number of rounds less up to two.
    /// </summary>
    private void PickProbeWait()
    {
        _roundsSinceProbe = (uint)_random!.Next(BwProbeRandRounds);
        _probeWaitUs = BwProbeBaseUs + (uint)_random.Next(BwProbeRandUs);
    }

    /// <summary>bbr_is_reno_coexistence_probe_time(): as many rounds as a Reno flow with our BDP waits between losses, at most 63.</summary>
    private bool IsRenoCoexistenceProbeTime => _roundsSinceProbe >= Math.Min(BwProbeMaxRounds, TargetInflight());

    private void SetPhase(BbrProbeBwPhase phase)
    {
        Phase = phase;
        _tryFastPath = false;
    }

    /// <summary>bbr_start_bw_probe_refill(): forget the lower bounds and send at the estimated bandwidth for a round.</summary>
    private void StartProbeRefill(int probeUpRounds)
    {
        ResetLowerBounds();
        _bwProbeUpRounds = probeUpRounds;
        _bwProbeUpAcks = 0;
        _stoppedRiskyProbe = false;
        _ackPhase = BbrAckPhase.Refilling;
        NextRttDelivered = Connection.Delivered;
        SetPhase(BbrProbeBwPhase.Refill);
    }

    /// <summary>bbr_start_bw_probe_up().</summary>
    private void StartProbeUp()
    {
        _ackPhase = BbrAckPhase.ProbeStarting;
        NextRttDelivered = Connection.Delivered;
        _cycleStamp = Connection.Simulation.Now;
        ResetFullBandwidth();
        _fullBw = _sampleBw;
        SetPhase(BbrProbeBwPhase.Up);
        RaiseInflightHiSlope();
    }

    /// <summary>bbr_start_bw_probe_down(): a new cycle; its wall clock starts and the time of the next probe is drawn.</summary>
    private void StartProbeDown()
    {
        ResetCongestionSignals();
        _bwProbeUpCnt = Unset;
        PickProbeWait();
        _cycleStamp = Connection.Simulation.Now;
        _ackPhase = BbrAckPhase.ProbeStopping;
        NextRttDelivered = Connection.Delivered;
        SetPhase(BbrProbeBwPhase.Down);
    }

    /// <summary>bbr_start_bw_probe_cruise().</summary>
    private void StartProbeCruise()
    {
        if (_inflightLo != Unset)
        {
            _inflightLo = Math.Min(_inflightLo, _inflightHi);
        }

        SetPhase(BbrProbeBwPhase.Cruise);
    }

    /// <summary>
    /// bbr_check_time_to_probe_bw(): reprobe quickly once ECN marks (without loss) stop; otherwise
    /// probe when the wait drawn has passed or a Reno flow would have probed.
    /// </summary>
    private bool CheckTimeToProbe()
    {
        if (_ecnEligible && _ecnInCycle && !_lossInCycle && Connection.CaState == CaState.Open)
        {
            var volume = ((ulong)_inflightHi * EcnReprobeGain) >> BbrScale;
            StartProbeRefill(volume == 0 ? 0 : Math.Min(63 - (int)ulong.LeadingZeroCount(volume), 31));
            return true;
        }

        if (Connection.Simulation.Now > _cycleStamp + Sim.Kernel.SimTime.FromMicroseconds(_probeWaitUs) || IsRenoCoexistenceProbeTime)
        {
            StartProbeRefill(0);
            return true;
        }

        return false;
    }

    /// <summary>bbr_check_time_to_cruise(): inflight is down to the headroom below inflight_hi and to the BDP.</summary>
    private bool IsTimeToCruise(uint inflight, uint bw) =>
        inflight <= InflightWithHeadroom() && inflight <= Inflight(bw, BbrUnit);

    /// <summary>bbr_update_cycle_phase(): once the pipe was full, adapt the upper bounds, then step the ProbeBw phases.</summary>
    private void UpdateCyclePhase(RateSample rs)
    {
        if (!FullBandwidthReached || AdaptUpperBounds(rs) || Mode != BbrMode.ProbeBw)
        {
            return;
        }

        var inflight = PacketsInNetAtEdt((uint)rs.PriorInFlight);
        var bw = MaxBandwidth;
        switch (Phase)
        {
            case BbrProbeBwPhase.Cruise:
                CheckTimeToProbe();
                break;
            case BbrProbeBwPhase.Refill:
                if (RoundStart)
                {
                    _bwProbeSamples = true;
                    StartProbeUp();
                }

                break;
            case BbrProbeBwPhase.Up:
                UpdateProbeUp(inflight);
                break;
            case BbrProbeBwPhase.Down:
                if (!CheckTimeToProbe() && IsTimeToCruise(inflight, bw))
                {
                    StartProbeCruise();
                }

                break;
        }
    }

    /// <summary>
    /// The Up phase ends when inflight reaches the inflight_hi of a probe that went too high,
    /// or when the bandwidth plateaus while inflight_hi does not limit it.
    /// </summary>
    private void UpdateProbeUp(uint inflight)
    {
        var window = Connection.Window;
        var done = false;
        if (_prevProbeTooHigh && inflight >= _inflightHi)
        {
            _stoppedRiskyProbe = true;
            done = true;
        }
        else if (window.IsCwndLimited && window.Cwnd >= _inflightHi)
        {
            ResetFullBandwidth();
            _fullBw = _sampleBw;
        }
        else if (_fullBwNow)
        {
            done = true;
        }

        if (done)
        {
            _prevProbeTooHigh = false;
            StartProbeDown();
        }
    }
}
