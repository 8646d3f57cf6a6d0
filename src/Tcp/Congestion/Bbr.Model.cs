namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBR's model of the path, updated on every ACK (tcp_bbr.c bbr_update_model()): round counting and
/// the bandwidth filter, ACK aggregation, the ProbeBw gain cycle, the full-pipe test, Drain, the
/// minimum-RTT filter with ProbeRtt, and the gains of each mode.
/// </summary>
public sealed partial class Bbr
{
    /// <summary>bbr_is_next_cycle_phase(): gain 1 lasts a min RTT; the probe lasts until inflight reaches 5/4 BDP (or a loss); the drain until inflight falls to the BDP.</summary>
    private bool IsNextCyclePhase(RateSample rs)
    {
        var isFullLength = (Connection.DeliveryRate.DeliveredTime - _cycleStamp).Microseconds > MinRttUs;
        if (PacingGain == BbrUnit)
        {
            return isFullLength;
        }

        var inflight = PacketsInNetAtEdt((uint)rs.PriorInFlight);
        var bw = MaxBandwidth;
        if (PacingGain > BbrUnit)
        {
            return isFullLength && (rs.Losses > 0 || inflight >= Inflight(bw, PacingGain));
        }

        return isFullLength || inflight <= Inflight(bw, BbrUnit);
    }

    private void AdvanceCyclePhase()
    {
        _cycleIndex = (_cycleIndex + 1) & (CycleLength - 1);
        _cycleStamp = Connection.DeliveryRate.DeliveredTime;
    }

    private void UpdateCyclePhase(RateSample rs)
    {
        if (Mode == BbrMode.ProbeBw && IsNextCyclePhase(rs))
        {
            AdvanceCyclePhase();
        }
    }

    /// <summary>bbr_reset_probe_bw_mode(): start the gain cycle at a random phase other than the drain one.</summary>
    private void ResetProbeBwMode()
    {
        Mode = BbrMode.ProbeBw;
        _cycleIndex = (uint)(CycleLength - 1 - _random!.Next(CycleRand));
        AdvanceCyclePhase();
    }

    private void ResetMode()
    {
        if (!FullBandwidthReached)
        {
            Mode = BbrMode.Startup;
        }
        else
        {
            ResetProbeBwMode();
        }
    }

    /// <summary>bbr_update_bw(): rounds counted by delivered segments; each valid sample feeds the max filter unless app-limited below it.</summary>
    private void UpdateBandwidth(RateSample rs)
    {
        var connection = Connection;
        RoundStart = false;
        if (rs.Delivered < 0 || rs.IntervalUs <= 0)
        {
            return;
        }

        if (rs.PriorDelivered >= NextRttDelivered)
        {
            NextRttDelivered = connection.Delivered;
            _rttCount++;
            RoundStart = true;
            _packetConservation = false;
        }

        LongTermBandwidthSampling(rs.Losses, rs.IsAppLimited);
        var bw = (ulong)rs.Delivered * BwUnit / (ulong)rs.IntervalUs;
        if (!rs.IsAppLimited || bw >= MaxBandwidth)
        {
            _bw.RunningMax(BwRtts, _rttCount, bw);
        }
    }

    /// <summary>bbr_check_full_bw_reached(): three rounds without 25% more bandwidth fill the pipe.</summary>
    private void CheckFullBandwidthReached(RateSample rs)
    {
        if (FullBandwidthReached || !RoundStart || rs.IsAppLimited)
        {
            return;
        }

        var threshold = (_fullBw * FullBwThreshold) >> BbrScale;
        if (MaxBandwidth >= threshold)
        {
            _fullBw = MaxBandwidth;
            _fullBwCount = 0;
            return;
        }

        _fullBwCount++;
        FullBandwidthReached = _fullBwCount >= FullBwCount;
    }

    /// <summary>bbr_check_drain(): a full pipe sends Startup to Drain, and Drain ends once inflight is down to the BDP.</summary>
    private void CheckDrain()
    {
        var connection = Connection;
        if (Mode == BbrMode.Startup && FullBandwidthReached)
        {
            Mode = BbrMode.Drain;
            connection.Window.Ssthresh = Inflight(MaxBandwidth, BbrUnit);
        }

        if (Mode == BbrMode.Drain && PacketsInNetAtEdt((uint)connection.PacketsInFlight) <= Inflight(MaxBandwidth, BbrUnit))
        {
            ResetProbeBwMode();
        }
    }

    /// <summary>bbr_check_probe_rtt_done(), once cwnd is restored: a new 10-second filter window, and Startup or ProbeBw.</summary>
    protected override void LeaveProbeRtt()
    {
        _minRttStamp = Jiffies;
        ResetMode();
    }

    /// <summary>bbr_update_min_rtt(): the 10-second minimum RTT filter; when it expires, ProbeRtt.</summary>
    private void UpdateMinRtt(RateSample rs)
    {
        var connection = Connection;
        var hz = (uint)connection.Settings.Hz;
        var filterExpired = (int)(Jiffies - (_minRttStamp + (MinRttWindowSeconds * hz))) > 0;
        if (rs.RttUs >= 0 && (rs.RttUs < MinRttUs || (filterExpired && !rs.IsAckDelayed)))
        {
            MinRttUs = (uint)rs.RttUs;
            _minRttStamp = Jiffies;
        }

        if (filterExpired && !IdleRestart && Mode != BbrMode.ProbeRtt)
        {
            EnterProbeRtt();
        }

        HoldProbeRtt(rs, CwndMinTarget);
    }

    /// <summary>bbr_update_gains().</summary>
    private void UpdateGains()
    {
        (PacingGain, CwndGainNow) = Mode switch
        {
            BbrMode.Startup => (HighGain, HighGain),
            BbrMode.Drain => (DrainGain, HighGain),
            BbrMode.ProbeBw => (_ltUseBw ? BbrUnit : PacingGainCycle[_cycleIndex], CwndGain),
            _ => (BbrUnit, BbrUnit),
        };
    }
}
