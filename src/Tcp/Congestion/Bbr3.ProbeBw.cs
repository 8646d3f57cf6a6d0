namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBRv3's congestion signals (tcp_bbr.c): loss and ECN per round, the short-term lower bounds
/// (bw_lo, inflight_lo) they cut while not probing, and the long-term upper bound inflight_hi
/// that a probe raises until loss or ECN says it went too high; the cycle that probes is in
/// Bbr3.ProbeBwCycle.cs.
/// </summary>
public sealed partial class Bbr3
{
    /// <summary>bbr_beta: loss cuts the lower bounds (and inflight_hi) to 70%.</summary>
    private const uint Beta = BbrUnit * 30 / 100;
    private const uint EcnAlphaGain = BbrUnit * 1 / 16;
    private const uint EcnAlphaInit = BbrUnit;
    private const uint EcnFactor = BbrUnit * 1 / 3;
    private const uint EcnThreshold = BbrUnit * 1 / 2;
    private const uint EcnReprobeGain = BbrUnit * 1 / 2;
    private const uint EcnMaxRttUs = 5000;

    /// <summary>bbr_loss_thresh: a probe went too far when more than 2% of what was in flight is lost.</summary>
    private const uint LossThreshold = BbrUnit * 2 / 100;
    private const uint FullLossCount = 6;
    private const uint FullEcnCount = 2;
    private const uint InflightHeadroom = BbrUnit * 15 / 100;
    private const uint ProbeCwndGainQuarters = 1;
    private const uint BwProbeMaxRounds = 63;
    private const int BwProbeRandRounds = 2;
    private const uint BwProbeBaseUs = 2_000_000;
    private const int BwProbeRandUs = 1_000_000;

    private readonly PreciseEceAck _eceAck = new();
    private readonly uint[] _bwHi = new uint[2];
    private uint _bwLo;
    private uint _bwLatest;
    private uint _inflightLatest;
    private uint _inflightLo;
    private uint _inflightHi;
    private uint _undoBwLo;
    private uint _undoInflightLo;
    private uint _undoInflightHi;
    private long _lossRoundDelivered;
    private bool _lossRoundStart;
    private bool _lossInRound;
    private bool _ecnInRound;
    private bool _lossInCycle;
    private bool _ecnInCycle;
    private uint _lossEventsInRound;
    private uint _startupEcnRounds;
    private uint _bwProbeUpCnt;
    private uint _bwProbeUpAcks;
    private int _bwProbeUpRounds;
    private uint _probeWaitUs;
    private bool _stoppedRiskyProbe;
    private bool _prevProbeTooHigh;
    private bool _bwProbeSamples;
    private uint _roundsSinceProbe;
    private BbrAckPhase _ackPhase;
    private bool _ecnEligible;
    private uint _ecnAlpha;
    private long _alphaLastDelivered;
    private long _alphaLastDeliveredCe;

    /// <summary>Startup or a ProbeBw Refill or Up phase: the lower bounds do not apply (bbr_is_probing_bandwidth()).</summary>
    private bool IsProbingBandwidth => Mode == BbrMode.Startup
        || (Mode == BbrMode.ProbeBw && Phase is BbrProbeBwPhase.Refill or BbrProbeBwPhase.Up);

    /// <summary>The part of bbr_init() for v3's congestion state: no bounds yet, ECN alpha at 1.</summary>
    private void InitCongestionState(TcpConnection connection)
    {
        _lossRoundDelivered = connection.Delivered + 1;
        _lossRoundStart = false;
        _undoBwLo = 0;
        _undoInflightLo = 0;
        _undoInflightHi = 0;
        _lossEventsInRound = 0;
        _startupEcnRounds = 0;
        ResetCongestionSignals();
        _bwLo = Unset;
        _bwHi[0] = 0;
        _bwHi[1] = 0;
        _inflightLo = Unset;
        _inflightHi = Unset;
        ResetFullBandwidth();
        _bwProbeUpCnt = Unset;
        _bwProbeUpAcks = 0;
        _bwProbeUpRounds = 0;
        _probeWaitUs = 0;
        _stoppedRiskyProbe = false;
        _ackPhase = BbrAckPhase.Init;
        _roundsSinceProbe = 0;
        _bwProbeSamples = false;
        _prevProbeTooHigh = false;
        _ecnEligible = false;
        _ecnAlpha = EcnAlphaInit;
        _alphaLastDelivered = 0;
        _alphaLastDeliveredCe = 0;
    }

    /// <summary>
    /// bbr_update_ecn_alpha(), once per round: the connection becomes ECN-eligible on a
    /// shallow-marking route with a minimum RTT of at most 5 ms; alpha is the moving average (gain
    /// 1/16) of the CE-echoed fraction; two rounds above 50% end Startup.
    /// </summary>
    private void UpdateEcnAlpha()
    {
        var connection = Connection;
        if (!_ecnEligible && CanUseEcn && MinRttUs <= EcnMaxRttUs)
        {
            _ecnEligible = true;
        }

        if (!_ecnEligible)
        {
            return;
        }

        var delivered = connection.Delivered - _alphaLastDelivered;
        var deliveredCe = connection.DeliveredCe - _alphaLastDeliveredCe;
        if (delivered <= 0 || deliveredCe < 0)
        {
            return;
        }

        var ceRatio = (uint)((ulong)(deliveredCe << BbrScale) / (ulong)delivered);
        var alpha = ((BbrUnit - EcnAlphaGain) * _ecnAlpha) >> BbrScale;
        alpha += (EcnAlphaGain * ceRatio) >> BbrScale;
        _ecnAlpha = Math.Min(alpha, BbrUnit);
        _alphaLastDelivered = connection.Delivered;
        _alphaLastDeliveredCe = connection.DeliveredCe;
        CheckEcnTooHighInStartup(ceRatio);
    }

    /// <summary>bbr_check_ecn_too_high_in_startup().</summary>
    private void CheckEcnTooHighInStartup(uint ceRatio)
    {
        if (FullBandwidthReached || !_ecnEligible)
        {
            return;
        }

        _startupEcnRounds = ceRatio >= EcnThreshold ? _startupEcnRounds + 1 : 0;
        if (_startupEcnRounds >= FullEcnCount)
        {
            HandleQueueTooHighInStartup();
        }
    }

    /// <summary>bbr_update_latest_delivery_signals(): the most delivered, as rate and volume, this loss round; a loss round ends when a segment sent after it began is delivered.</summary>
    private void UpdateLatestDeliverySignals(RateSample rs)
    {
        _lossRoundStart = false;
        if (rs.IntervalUs <= 0 || rs.AckedSacked == 0)
        {
            return;
        }

        _bwLatest = Math.Max(_bwLatest, _sampleBw);
        _inflightLatest = Math.Max(_inflightLatest, (uint)rs.Delivered);
        if (rs.PriorDelivered >= _lossRoundDelivered)
        {
            _lossRoundDelivered = Connection.Delivered;
            _lossRoundStart = true;
        }
    }

    /// <summary>bbr_advance_latest_delivery_signals(): each loss round starts the latest rate and volume afresh, unless this ACK may be a loss probe's.</summary>
    private void AdvanceLatestDeliverySignals(RateSample rs)
    {
        if (_lossRoundStart && !rs.IsAckingTlpRetransSeq)
        {
            _bwLatest = _sampleBw;
            _inflightLatest = (uint)rs.Delivered;
        }
    }

    /// <summary>bbr_update_congestion_signals(): the max bandwidth filter takes the sample; once per loss round the lower bounds adapt to the loss and ECN seen.</summary>
    private void UpdateCongestionSignals(RateSample rs)
    {
        if (rs.IntervalUs <= 0 || rs.AckedSacked == 0)
        {
            return;
        }

        if (!rs.IsAppLimited || _sampleBw >= MaxBandwidth)
        {
            _bwHi[1] = Math.Max(_sampleBw, _bwHi[1]);
        }

        _lossInRound |= rs.Losses > 0;
        if (!_lossRoundStart)
        {
            return;
        }

        AdaptLowerBounds();
        _lossInRound = false;
        _ecnInRound = false;
    }

    /// <summary>
    /// bbr_adapt_lower_bounds(): outside a probe, ECN cuts inflight_lo by alpha x 1/3; loss cuts
    /// bw_lo and inflight_lo by 30%, but not below what the last round delivered.
    /// </summary>
    private void AdaptLowerBounds()
    {
        if (IsProbingBandwidth)
        {
            return;
        }

        var ecnInflightLo = Unset;
        if (_ecnInRound)
        {
            InitLowerBounds(initBandwidth: false);
            ecnInflightLo = (uint)(((ulong)_inflightLo * (BbrUnit - ((_ecnAlpha * EcnFactor) >> BbrScale))) >> BbrScale);
        }

        if (_lossInRound)
        {
            InitLowerBounds(initBandwidth: true);
            const uint lossCut = BbrUnit - Beta;
            _bwLo = Math.Max(_bwLatest, (uint)(((ulong)_bwLo * lossCut) >> BbrScale));
            _inflightLo = Math.Max(_inflightLatest, (uint)(((ulong)_inflightLo * lossCut) >> BbrScale));
        }

        _inflightLo = Math.Min(_inflightLo, ecnInflightLo);
        _bwLo = Math.Max(1, _bwLo);
    }

    /// <summary>bbr_init_lower_bounds(): the bounds start from the model's bandwidth and cwnd.</summary>
    private void InitLowerBounds(bool initBandwidth)
    {
        if (initBandwidth && _bwLo == Unset)
        {
            _bwLo = MaxBandwidth;
        }

        if (_inflightLo == Unset)
        {
            _inflightLo = Connection.Window.Cwnd;
        }
    }

    private void ResetLowerBounds()
    {
        _bwLo = Unset;
        _inflightLo = Unset;
    }

    /// <summary>bbr_reset_congestion_signals().</summary>
    private void ResetCongestionSignals()
    {
        _lossInRound = false;
        _ecnInRound = false;
        _lossInCycle = false;
        _ecnInCycle = false;
        _bwLatest = 0;
        _inflightLatest = 0;
    }

    /// <summary>bbr_note_loss(): this round has a loss; the loss round runs until what was delivered by now has been sent and delivered again.</summary>
    private void NoteLoss(TcpConnection connection)
    {
        if (!_lossInRound)
        {
            _lossRoundDelivered = connection.Delivered;
        }

        _lossInRound = true;
        _lossInCycle = true;
    }

    /// <summary>bbr_run_loss_probe_recovery(): a loss probe repaired one lost segment; while probing, test the loss rate of the flight before it.</summary>
    private void RunLossProbeRecovery()
    {
        NoteLoss(Connection);
        if (!_bwProbeSamples)
        {
            return;
        }

        const long lost = 1;
        var txInFlight = (int)(_inflightLatest + lost);
        if (IsInflightTooHigh(txInFlight, lost, 0, 0))
        {
            HandleInflightTooHigh(Connection.TlpOriginalAppLimited, (uint)txInFlight);
        }
    }

    /// <summary>bbr_is_inflight_too_high(): more than 2% of the flight lost, or (ECN-eligible) more than half the delivered segments CE-echoed.</summary>
    private bool IsInflightTooHigh(int txInFlight, long lost, long deliveredCe, long delivered)
    {
        if (lost > 0 && txInFlight > 0 && (ulong)lost > (((ulong)txInFlight * LossThreshold) >> BbrScale))
        {
            return true;
        }

        return deliveredCe > 0 && delivered > 0 && _ecnEligible && deliveredCe > (long)(((ulong)delivered * EcnThreshold) >> BbrScale);
    }

    /// <summary>
    /// bbr_inflight_hi_from_lost_skb(): the inflight at which the loss rate crossed 2%, solving
    /// (lost_prev + x) / (inflight_prev + x) = 2% for the prefix x of the lost segment.
    /// </summary>
    private static uint InflightHiFromLostSegment(int txInFlight, long lost)
    {
        const int pcount = 1;
        var inflightPrevious = txInFlight - pcount;
        var lostPrevious = lost - pcount;
        if (inflightPrevious < 0 || lostPrevious < 0)
        {
            return Unset;
        }

        var lossBudget = (((ulong)inflightPrevious * LossThreshold) + BbrUnit - 1) >> BbrScale;
        ulong lostPrefix = 0;
        if ((ulong)lostPrevious < lossBudget)
        {
            lostPrefix = ((lossBudget - (ulong)lostPrevious) << BbrScale) / (BbrUnit - LossThreshold);
        }

        return (uint)((ulong)inflightPrevious + lostPrefix);
    }

    /// <summary>bbr_inflight_with_headroom(): inflight_hi less 15%, four segments at least.</summary>
    private uint InflightWithHeadroom()
    {
        if (_inflightHi == Unset)
        {
            return Unset;
        }

        var headroom = Math.Max((uint)(((ulong)_inflightHi * InflightHeadroom) >> BbrScale), 1);
        return (uint)Math.Max((int)(_inflightHi - headroom), (int)CwndMinTarget);
    }

    /// <summary>bbr_target_inflight(): the BDP, unless congestion cut cwnd below it.</summary>
    private uint TargetInflight() => Math.Min(Inflight(Bandwidth, BbrUnit), Connection.Window.Cwnd);

    /// <summary>
    /// bbr_handle_inflight_too_high(): once per probe, inflight_hi drops to what was in flight
    /// (at least 70% of the target), unless app-limited; a probe up turns into Down.
    /// </summary>
    private void HandleInflightTooHigh(bool appLimited, uint txInFlight)
    {
        _prevProbeTooHigh = true;
        _bwProbeSamples = false;
        if (!appLimited)
        {
            _inflightHi = Math.Max(txInFlight, (uint)(((ulong)TargetInflight() * (BbrUnit - Beta)) >> BbrScale));
        }

        if (Mode == BbrMode.ProbeBw && Phase == BbrProbeBwPhase.Up)
        {
            StartProbeDown();
        }
    }

    /// <summary>bbr_raise_inflight_hi_slope(): each round of Up doubles how fast inflight_hi grows.</summary>
    private void RaiseInflightHiSlope()
    {
        var growthThisRound = 1u << _bwProbeUpRounds;
        _bwProbeUpRounds = Math.Min(_bwProbeUpRounds + 1, 30);
        _bwProbeUpCnt = Math.Max(Connection.Window.Cwnd / growthThisRound, 1);
    }

    /// <summary>bbr_probe_inflight_hi_upward(): while cwnd-limited at inflight_hi, one more segment of it per bw_probe_up_cnt ACKed.</summary>
    private void ProbeInflightHiUpward(RateSample rs)
    {
        var window = Connection.Window;
        if (!window.IsCwndLimited || window.Cwnd < _inflightHi)
        {
            return;
        }

        _bwProbeUpAcks += (uint)rs.AckedSacked;
        if (_bwProbeUpAcks >= _bwProbeUpCnt)
        {
            var delta = _bwProbeUpAcks / _bwProbeUpCnt;
            _bwProbeUpAcks -= delta * _bwProbeUpCnt;
            _inflightHi += delta;
            _tryFastPath = false;
        }

        if (RoundStart)
        {
            RaiseInflightHiSlope();
        }
    }

    /// <summary>
    /// bbr_adapt_upper_bounds(): follow the feedback of a probe; at its end advance the max
    /// bandwidth filter (and reprobe at once if the probe stopped short without trouble); loss or
    /// ECN too high cuts inflight_hi, otherwise inflight_hi follows what was safely in flight.
    /// Returns true when it chose a phase.
    /// </summary>
    private bool AdaptUpperBounds(RateSample rs)
    {
        if (_ackPhase == BbrAckPhase.ProbeStarting && RoundStart)
        {
            _ackPhase = BbrAckPhase.ProbeFeedback;
        }

        if (_ackPhase == BbrAckPhase.ProbeStopping && RoundStart)
        {
            _bwProbeSamples = false;
            _ackPhase = BbrAckPhase.Init;
            if (Mode == BbrMode.ProbeBw && !rs.IsAppLimited && _bwHi[1] != 0)
            {
                _bwHi[0] = _bwHi[1];
                _bwHi[1] = 0;
            }

            if (Mode == BbrMode.ProbeBw && _stoppedRiskyProbe && !_prevProbeTooHigh)
            {
                StartProbeRefill(0);
                return true;
            }
        }

        if (IsInflightTooHigh(rs.TxInFlight, rs.Lost, rs.DeliveredCe, rs.Delivered))
        {
            if (_bwProbeSamples)
            {
                HandleInflightTooHigh(rs.IsAppLimited, (uint)rs.TxInFlight);
            }
        }
        else
        {
            if (_inflightHi == Unset)
            {
                return false;
            }

            if ((uint)rs.TxInFlight > _inflightHi)
            {
                _inflightHi = (uint)rs.TxInFlight;
            }

            if (Mode == BbrMode.ProbeBw && Phase == BbrProbeBwPhase.Up)
            {
                ProbeInflightHiUpward(rs);
            }
        }

        return false;
    }
}
