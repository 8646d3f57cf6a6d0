using NetSim.Sim.Kernel;
using NetSim.Tcp.Buffers;

namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBRv3 as Google's reference implementation (github.com/google/bbr, net/ipv4/tcp_bbr.c, version
/// 3) and the IETF CCWG draft (draft-ietf-ccwg-bbr) describe it. Beside v1's model (the windowed
/// maximum bandwidth and the minimum RTT) it keeps bounds learnt from congestion: a long-term
/// upper bound on inflight (inflight_hi) cut when a bandwidth probe meets more than 2% loss or
/// more than 50% CE marks, and short-term lower bounds (bw_lo, inflight_lo) cut by 30% per round
/// with loss, or by the ECN mark rate, while not probing. ProbeBw is four phases: Down (pacing
/// gain 0.91) until inflight leaves 15% headroom below inflight_hi, Cruise at gain 1, Refill one
/// round at gain 1, then Up (gain 1.25, inflight_hi raised by a slope that doubles each round)
/// until the pipe looks full or too full. The next probe comes after 2 to 3 seconds, or sooner
/// when a Reno flow with this BDP would have probed (at most 63 rounds). Startup (pacing gain
/// 2.77, cwnd gain 2) also ends on high loss or ECN; ProbeRtt comes every 5 seconds and halves
/// inflight to BDP / 2. Fixed point as the kernel's: bandwidth in segments per us scaled by 2^24,
/// gains by 2^8.
/// </summary>
public sealed partial class Bbr3 : BbrCore, IModelBasedCongestionControl
{
    /// <summary>bbr_sndbuf_expand(): three windows, as BBR may slow-start even during recovery.</summary>
    uint ICongestionControl.SendBufferExpansion => 3;

    private const uint Unset = uint.MaxValue;

    private const uint MinRttWindowSeconds = 10;
    private const uint ProbeRttWindowMs = 5000;
    private const uint ProbeRttCwndGain = BbrUnit * 1 / 2;
    private const uint StartupCwndGain = BbrUnit * 2;
    private const uint DrainGain = BbrUnit * 1000 / 2885;
    private const uint SteadyCwndGain = BbrUnit * 2;
    private const uint FullBwThreshold = BbrUnit * 5 / 4;
    private const uint FullBwCount = 3;
    private const uint ExtraAckedWindowRtts = 5;

    /// <summary>GSO_LEGACY_MAX_SIZE: the RTT-based TSO allowance starts from it.</summary>
    private const int GsoLegacyMaxSize = 65536;
    private const uint MinTsoSegments = 2;

    private static readonly uint[] PacingGainByPhase = [BbrUnit * 5 / 4, BbrUnit * 91 / 100, BbrUnit, BbrUnit];

    private Random? _random;
    private uint _minRttStamp;
    private uint _probeRttMinUs;
    private uint _probeRttMinStamp;
    private SimTime _cycleStamp;
    private bool _tryFastPath;
    private uint _initCwnd;
    private uint _fullBw;
    private uint _fullBwCount;
    private bool _fullBwNow;

    /// <summary>The bandwidth sample of the ACK being processed (struct bbr_context).</summary>
    private uint _sampleBw;

    public string Name => "bbr3";

    /// <summary>TCP_CONG_WANTS_CE_EVENTS: the receiver side keeps a precise CE echo when the route allows ECN here.</summary>
    public bool WantsCeEvents => true;

    /// <summary>The ProbeBw phase (cycle_idx).</summary>
    public BbrProbeBwPhase Phase { get; private set; }

    /// <summary>The gain cwnd applies to the BDP, over 256.</summary>
    public uint CwndGain { get; private set; }

    /// <summary>The bandwidth the model uses, min(bw_hi, bw_lo), in segments per second.</summary>
    public double BandwidthSegmentsPerSecond => Bandwidth * 1e6 / BwUnit;

    /// <summary>The windowed maximum bandwidth (bw_hi), in segments per second.</summary>
    public double MaxBandwidthSegmentsPerSecond => MaxBandwidth * 1e6 / BwUnit;

    /// <summary>The long-term upper bound on inflight, in segments; null while no probe has met congestion.</summary>
    public uint? InflightHi => _inflightHi == Unset ? null : _inflightHi;

    /// <summary>The short-term lower bound on inflight, in segments; null while unset.</summary>
    public uint? InflightLo => _inflightLo == Unset ? null : _inflightLo;

    /// <summary>The short-term lower bound on bandwidth, in segments per second; null while unset.</summary>
    public double? BandwidthLoSegmentsPerSecond => _bwLo == Unset ? null : _bwLo * 1e6 / BwUnit;

    /// <summary>The moving average of the CE-marked fraction, over 256 (ecn_alpha).</summary>
    public uint EcnAlpha => _ecnAlpha;

    /// <summary>The connection answers CE marks: ECN agreed on a shallow-marking route with a short RTT (ecn_eligible).</summary>
    public bool EcnEligible => _ecnEligible;

    private uint MaxBandwidth => Math.Max(_bwHi[0], _bwHi[1]);

    private uint Bandwidth => Math.Min(MaxBandwidth, _bwLo);

    protected override ulong ModelBandwidth => Bandwidth;

    /// <summary>bbr_startup_pacing_gain: 2.77, the smallest gain that doubles the sending rate each round.</summary>
    protected override uint StartupPacingGain => (BbrUnit * 277 / 100) + 1;

    protected override uint CwndWithoutRtt => _initCwnd;

    /// <summary>bbr_can_use_ecn(): ECN agreed, on a route that marks at a shallow threshold.</summary>
    private bool CanUseEcn => Connection.EcnNegotiated && (Connection.EcnFlags & EcnFlags.Low) != 0;

    /// <summary>bbr_init().</summary>
    public void Init(TcpConnection connection)
    {
        _random ??= connection.Simulation.Random.Get($"bbr3/{connection.LocalAddress}:{connection.LocalPort}-{connection.RemoteAddress}:{connection.RemotePort}");
        _initCwnd = Math.Min(0x7Fu, connection.Window.Cwnd);
        PriorCwnd = connection.PriorCwnd;
        Attach(connection);
        _probeRttMinUs = MinRttUs;
        _probeRttMinStamp = Jiffies;
        _minRttStamp = Jiffies;
        _cycleStamp = SimTime.Zero;
        Phase = BbrProbeBwPhase.Up;
        _eceAck.Reset(connection);
        _tryFastPath = false;
        InitCongestionState(connection);
        if (CanUseEcn)
        {
            connection.MakeEctPermanent();
        }
    }

    /// <summary>bbr_main(): congestion signals, the model, then pacing and cwnd from it, bounded by the inflight model.</summary>
    public void CongControl(TcpConnection connection, RateSample sample)
    {
        UpdateRoundStart(sample);
        if (RoundStart)
        {
            _roundsSinceProbe = Math.Min(_roundsSinceProbe + 1, 0xFF);
            UpdateEcnAlpha();
        }

        _ecnInRound |= _ecnEligible && sample.IsEce;
        _sampleBw = sample.IntervalUs > 0 && sample.Delivered >= 0 ? (uint)(((ulong)sample.Delivered * BwUnit + (ulong)sample.IntervalUs - 1) / (ulong)sample.IntervalUs) : 0;
        UpdateLatestDeliverySignals(sample);
        if (!RunFastPath(sample, out var updateModel))
        {
            if (updateModel)
            {
                UpdateModel(sample);
            }

            UpdateGains();
            var bw = Bandwidth;
            SetPacingRate(bw, PacingGain);
            SetCwnd((uint)Math.Max(0, sample.AckedSacked), bw, CwndGain);
            BoundCwndForInflightModel();
        }

        AdvanceLatestDeliverySignals(sample);
        PriorCaState = connection.CaState;
        _lossInCycle |= sample.Lost > 0;
        _ecnInCycle |= sample.DeliveredCe > 0;
    }

    /// <summary>bbr_ssthresh(): BBR keeps ssthresh; entering recovery it remembers cwnd and the bounds, for undo.</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        SaveCwnd(window);
        _undoBwLo = _bwLo;
        _undoInflightLo = _inflightLo;
        _undoInflightHi = _inflightHi;
        return window.Ssthresh;
    }

    /// <summary>bbr_undo_cwnd(): a spurious loss restores the bounds from before it and cwnd from before recovery.</summary>
    public uint UndoCwnd(TcpConnection connection)
    {
        ResetFullBandwidth();
        _lossInRound = false;
        _bwLo = Math.Max(_bwLo, _undoBwLo);
        _inflightLo = Math.Max(_inflightLo, _undoInflightLo);
        _inflightHi = Math.Max(_inflightHi, _undoInflightHi);
        _tryFastPath = false;
        return PriorCwnd;
    }

    /// <summary>cong_avoid is not used: cong_control replaces it.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
    }

    /// <summary>
    /// bbr_set_state(): an RTO restarts the full-pipe check and, outside a probe, starts
    /// inflight_lo from cwnd before it; leaving Loss restores cwnd.
    /// </summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (!IsAttached)
        {
            return;
        }

        if (state == CaState.Loss)
        {
            PriorCaState = CaState.Loss;
            ResetFullBandwidth();
            if (!IsProbingBandwidth && _inflightLo == Unset)
            {
                _inflightLo = Math.Max(window.Cwnd, PriorCwnd);
            }
        }
        else if (PriorCaState == CaState.Loss)
        {
            ExitLossRecovery();
        }
    }

    /// <summary>
    /// bbr_cwnd_event(): restarting from idle while app-limited, pace at the estimated bandwidth;
    /// keep the precise CE echo on a shallow-marking route; a loss repaired by a loss probe counts
    /// as a loss.
    /// </summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        switch (caEvent)
        {
            case CaEvent.TxStart:
                RestartFromIdle();
                break;
            case CaEvent.EcnIsCe or CaEvent.EcnNoCe when CanUseEcn:
                _eceAck.Update(connection, caEvent == CaEvent.EcnIsCe);
                break;
            case CaEvent.TlpRecovery:
                RunLossProbeRecovery();
                break;
        }
    }

    /// <summary>bbr_skb_marked_lost(): while probing, find whether the loss rate went too high, and at which segment.</summary>
    public void SegmentMarkedLost(TcpConnection connection, in SentSegment segment)
    {
        NoteLoss(connection);
        if (!_bwProbeSamples || segment.TxDeliveredTime == SimTime.Never)
        {
            return;
        }

        var lost = connection.LostTotal - segment.TxLost;
        if (IsInflightTooHigh(segment.TxInFlight, lost, 0, 0))
        {
            HandleInflightTooHigh(segment.TxAppLimited, InflightHiFromLostSegment(segment.TxInFlight, lost));
        }
    }

    /// <summary>bbr_rate_bytes_per_sec(): bandwidth times gain in bytes per second, less the 1% pacing margin, at least 1.</summary>
    protected override ulong RateBytesPerSecond(ulong rate, uint gain) => Math.Max(ScaledRate(rate, gain, PacingMarginPercent), 1);

    /// <summary>
    /// bbr_tso_segs_goal(): segments in a TSO burst, about 1 ms at the pacing rate plus an allowance
    /// of 64 KB halved for every 512 us of minimum RTT; two at least.
    /// </summary>
    protected override uint TsoSegmentsGoal() =>
        TcpConnection.TsoAutosize(Connection.PacingRate, MinRttUs, GsoLegacyMaxSize, Connection.Mss, MinTsoSegments);

    /// <summary>bbr_quantization_budget(): at least three TSO bursts and four segments; two more while probing up.</summary>
    private uint QuantizationBudget(uint cwnd)
    {
        cwnd = Math.Max(cwnd, 3 * TsoSegmentsGoal());
        cwnd = Math.Max(cwnd, CwndMinTarget);
        if (Mode == BbrMode.ProbeBw && Phase == BbrProbeBwPhase.Up)
        {
            cwnd += 2;
        }

        return cwnd;
    }

    private uint Inflight(uint bw, uint gain) => QuantizationBudget(Bdp(bw, gain));

    /// <summary>bbr_ack_aggregation_cwnd(): v3 allows for aggregation from the start.</summary>
    private uint AckAggregationCwnd() => AggregationAllowance();

    /// <summary>bbr_probe_rtt_cwnd(): half the BDP, four segments at least.</summary>
    private uint ProbeRttCwnd() => Math.Max(CwndMinTarget, Bdp(Bandwidth, ProbeRttCwndGain));

    /// <summary>
    /// bbr_set_cwnd(): toward gain x BDP plus aggregation and TSO room, growing by what was ACKed
    /// (only cut once the pipe was full); the fast path may skip the next ACK once the target is met.
    /// </summary>
    private void SetCwnd(uint acked, uint bw, uint gain)
    {
        var window = Connection.Window;
        var cwnd = window.Cwnd;
        if (acked > 0)
        {
            var target = Bdp(bw, gain) + AckAggregationCwnd();
            target = QuantizationBudget(target);
            _tryFastPath = false;
            if (FullBandwidthReached)
            {
                cwnd += acked;
                if (cwnd >= target)
                {
                    cwnd = target;
                    _tryFastPath = true;
                }
            }
            else if (cwnd < target || cwnd < 2 * _initCwnd)
            {
                cwnd += acked;
            }
            else
            {
                _tryFastPath = true;
            }

            cwnd = Math.Max(cwnd, CwndMinTarget);
        }

        window.Cwnd = Math.Min(cwnd, window.CwndClamp);
        if (Mode == BbrMode.ProbeRtt)
        {
            window.Cwnd = Math.Min(window.Cwnd, ProbeRttCwnd());
        }
    }

    /// <summary>bbr_bound_cwnd_for_inflight_model(): inflight_hi while probing, with headroom while cruising or in ProbeRtt; inflight_lo always.</summary>
    private void BoundCwndForInflightModel()
    {
        var cap = Unset;
        if (Mode == BbrMode.ProbeBw && Phase != BbrProbeBwPhase.Cruise)
        {
            cap = _inflightHi;
        }
        else if (Mode == BbrMode.ProbeRtt || (Mode == BbrMode.ProbeBw && Phase == BbrProbeBwPhase.Cruise))
        {
            cap = InflightWithHeadroom();
        }

        cap = Math.Min(cap, _inflightLo);
        cap = Math.Max(cap, CwndMinTarget);
        var window = Connection.Window;
        window.Cwnd = Math.Min(cap, window.Cwnd);
    }

    /// <summary>bbr_exit_loss_recovery(): cwnd back to what it was before.</summary>
    private void ExitLossRecovery()
    {
        var window = Connection.Window;
        window.Cwnd = Math.Max(window.Cwnd, PriorCwnd);
        _tryFastPath = false;
    }
}
