using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Congestion;

/// <summary>
/// BBR v1 as mainline Linux implements it in net/ipv4/tcp_bbr.c (Cardwell et al., "BBR:
/// Congestion-Based Congestion Control", ACM Queue 2016). A model of the path: the bottleneck
/// bandwidth, as the windowed maximum of delivery-rate samples over 10 round trips, and the
/// minimum RTT over 10 seconds. It paces at gain x bandwidth and caps inflight at gain x BDP
/// (plus room for ACK aggregation), in four modes: Startup (gain 2/ln 2 until the bandwidth stops
/// growing 25% per round three times), Drain, ProbeBw (an eight-phase gain cycle 5/4, 3/4, 1 x 6)
/// and ProbeRtt (four segments for 200 ms when the minimum RTT is ten seconds old). It also
/// detects token-bucket policers (the long-term bandwidth), conserves packets in the first round
/// of recovery, and restores cwnd after it. Fixed point as the kernel's: bandwidth in segments per
/// us scaled by 2^24, gains by 2^8.
/// </summary>
public sealed partial class Bbr : BbrCore, IModelBasedCongestionControl
{
    private const int CycleLength = 8;

    /// <summary>bbr_bw_rtts: the bandwidth filter's window, in round trips.</summary>
    private const uint BwRtts = CycleLength + 2;
    private const uint MinRttWindowSeconds = 10;
    private const ulong MinTsoRate = 1_200_000;
    private const uint HighGain = (BbrUnit * 2885 / 1000) + 1;
    private const uint DrainGain = BbrUnit * 1000 / 2885;
    private const uint CwndGain = BbrUnit * 2;
    private const int CycleRand = 7;
    private const uint FullBwThreshold = BbrUnit * 5 / 4;
    private const uint FullBwCount = 3;
    private const uint LtIntervalMinRtts = 4;
    private const uint LtLossThreshold = 50;
    private const uint LtBwRatio = BbrUnit / 8;
    private const ulong LtBwDiff = 4000 / 8;
    private const uint LtBwMaxRtts = 48;
    private const uint ExtraAckedWindowRtts = 5;

    private const uint InitialCwnd = 10;

    private static readonly uint[] PacingGainCycle = [BbrUnit * 5 / 4, BbrUnit * 3 / 4, BbrUnit, BbrUnit, BbrUnit, BbrUnit, BbrUnit, BbrUnit];

    private Random? _random;
    private WindowedMinMax _bw;
    private uint _minRttStamp;
    private uint _rttCount;
    private SimTime _cycleStamp;
    private bool _packetConservation;
    private bool _ltIsSampling;
    private uint _ltRttCount;
    private bool _ltUseBw;
    private ulong _ltBw;
    private long _ltLastDelivered;
    private long _ltLastStampMs;
    private long _ltLastLost;
    private uint _fullBwCount;
    private uint _cycleIndex;
    private ulong _fullBw;

    public string Name => "bbr";

    /// <summary>The gain cwnd applies to the BDP, over 256.</summary>
    public uint CwndGainNow { get; private set; }

    /// <summary>The bandwidth the model uses, in segments per second: the long-term rate when a policer was found, else the windowed maximum.</summary>
    public double BandwidthSegmentsPerSecond => Bandwidth * 1e6 / BwUnit;

    /// <summary>A policer was detected and its rate is used (lt_use_bw).</summary>
    public bool UsingLongTermBandwidth => _ltUseBw;

    private ulong MaxBandwidth => _bw.Best;

    private ulong Bandwidth => _ltUseBw ? _ltBw : MaxBandwidth;

    protected override ulong ModelBandwidth => Bandwidth;

    protected override uint StartupPacingGain => HighGain;

    protected override uint CwndWithoutRtt => InitialCwnd;

    /// <summary>bbr_init().</summary>
    public void Init(TcpConnection connection)
    {
        _random ??= connection.Simulation.Random.Get($"bbr/{connection.LocalAddress}:{connection.LocalPort}-{connection.RemoteAddress}:{connection.RemotePort}");
        PriorCwnd = 0;
        _rttCount = 0;
        _packetConservation = false;
        Attach(connection);
        _minRttStamp = Jiffies;
        _bw.Reset(_rttCount, 0);
        _fullBw = 0;
        _fullBwCount = 0;
        _cycleStamp = SimTime.Zero;
        _cycleIndex = 0;
        ResetLongTermSampling();
    }

    /// <summary>bbr_main(): update the model, then pace and size cwnd from it.</summary>
    public void CongControl(TcpConnection connection, RateSample sample)
    {
        UpdateModel(sample);
        var bw = Bandwidth;
        SetPacingRate(bw, PacingGain);
        SetCwnd(sample, (uint)Math.Max(0, sample.AckedSacked), bw, CwndGainNow);
    }

    /// <summary>bbr_ssthresh(): BBR does not use ssthresh; it remembers cwnd to restore after recovery.</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        SaveCwnd(window);
        return window.Ssthresh;
    }

    /// <summary>bbr_undo_cwnd(): a spurious loss restarts the full-pipe and policer checks; cwnd is BBR's own.</summary>
    public uint UndoCwnd(TcpConnection connection)
    {
        _fullBw = 0;
        _fullBwCount = 0;

        // Before init (a Fast Open SYN's timeout undone by its SYN-ACK) bbr_init() starts the sampling itself.
        if (IsAttached)
        {
            ResetLongTermSampling();
        }

        return connection.Window.Cwnd;
    }

    /// <summary>cong_avoid is not used: cong_control replaces it.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
    }

    /// <summary>bbr_set_state(): an RTO ends the round and counts as a loss for the policer check.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (state != CaState.Loss || !IsAttached)
        {
            return;
        }

        PriorCaState = CaState.Loss;
        _fullBw = 0;
        RoundStart = true;
        LongTermBandwidthSampling(losses: 1, appLimited: false);
    }

    /// <summary>bbr_cwnd_event(): only CA_EVENT_TX_START, restarting from idle.</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        if (caEvent == CaEvent.TxStart)
        {
            RestartFromIdle();
        }
    }

    private void UpdateModel(RateSample rs)
    {
        UpdateBandwidth(rs);
        UpdateAckAggregation(rs, RoundStart, ExtraAckedWindowRtts);
        UpdateCyclePhase(rs);
        CheckFullBandwidthReached(rs);
        CheckDrain();
        UpdateMinRtt(rs);
        UpdateGains();
    }

    /// <summary>bbr_rate_bytes_per_sec(): bandwidth times gain in bytes per second, less the 1% pacing margin.</summary>
    protected override ulong RateBytesPerSecond(ulong rate, uint gain) => ScaledRate(rate, gain, PacingMarginPercent);

    /// <summary>bbr_min_tso_segs(): one segment per TSO packet below 1.2 Mbit/s of pacing, two above.</summary>
    public uint MinTsoSegments(TcpConnection connection) => connection.PacingRate < (MinTsoRate >> 3) ? 1u : 2u;

    uint? ICongestionControl.MinTsoSegments(TcpConnection connection) => MinTsoSegments(connection);

    /// <summary>bbr_sndbuf_expand(): three windows, as BBR may slow-start even during recovery.</summary>
    uint ICongestionControl.SendBufferExpansion => 3;

    /// <summary>bbr_tso_segs_goal(): segments in a TSO burst at this pacing rate (about 1 ms of it), 2 at least above 1.2 Mbit/s.</summary>
    protected override uint TsoSegmentsGoal()
    {
        var connection = Connection;
        var rate = connection.PacingRate;
        var bytes = Math.Min(rate >> PacingShift, (ulong)TcpConnection.GsoMaxSize);
        var segments = Math.Max((uint)(bytes / (ulong)connection.Mss), MinTsoSegments(connection));
        return Math.Min(segments, 0x7Fu);
    }

    /// <summary>bbr_quantization_budget(): room for three TSO bursts, an even number, and two more in the probing phase.</summary>
    private uint QuantizationBudget(uint cwnd)
    {
        cwnd += 3 * TsoSegmentsGoal();
        cwnd = (cwnd + 1) & ~1u;
        if (Mode == BbrMode.ProbeBw && _cycleIndex == 0)
        {
            cwnd += 2;
        }

        return cwnd;
    }

    private uint Inflight(ulong bw, uint gain) => QuantizationBudget(Bdp(bw, gain));

    /// <summary>bbr_ack_aggregation_cwnd(): extra cwnd for the ACK aggregation seen, once the pipe was full.</summary>
    private uint AckAggregationCwnd() => FullBandwidthReached ? AggregationAllowance() : 0;

    /// <summary>
    /// bbr_set_cwnd_to_recover_or_restore(): losses come off cwnd; the first round of recovery
    /// conserves packets (one out per one delivered); leaving recovery restores the saved cwnd.
    /// </summary>
    private bool RecoverOrRestore(RateSample rs, uint acked, out uint newCwnd)
    {
        var connection = Connection;
        var prior = PriorCaState;
        var state = connection.CaState;
        var cwnd = connection.Window.Cwnd;
        if (rs.Losses > 0)
        {
            cwnd = (uint)Math.Max((long)cwnd - rs.Losses, 1);
        }

        if (state == CaState.Recovery && prior != CaState.Recovery)
        {
            _packetConservation = true;
            NextRttDelivered = connection.Delivered;
            cwnd = (uint)connection.PacketsInFlight + acked;
        }
        else if (prior >= CaState.Recovery && state < CaState.Recovery)
        {
            cwnd = Math.Max(cwnd, PriorCwnd);
            _packetConservation = false;
        }

        PriorCaState = state;
        if (_packetConservation)
        {
            newCwnd = Math.Max(cwnd, (uint)connection.PacketsInFlight + acked);
            return true;
        }

        newCwnd = cwnd;
        return false;
    }

    /// <summary>bbr_set_cwnd(): toward gain x BDP plus aggregation and TSO room, growing by what was ACKed; 4 segments in ProbeRtt.</summary>
    private void SetCwnd(RateSample rs, uint acked, ulong bw, uint gain)
    {
        var window = Connection.Window;
        var cwnd = window.Cwnd;
        if (acked > 0 && !RecoverOrRestore(rs, acked, out cwnd))
        {
            var target = Bdp(bw, gain) + AckAggregationCwnd();
            target = QuantizationBudget(target);
            if (FullBandwidthReached)
            {
                cwnd = Math.Min(cwnd + acked, target);
            }
            else if (cwnd < target || Connection.Delivered < InitialCwnd)
            {
                cwnd += acked;
            }

            cwnd = Math.Max(cwnd, CwndMinTarget);
        }

        window.Cwnd = Math.Min(cwnd, window.CwndClamp);
        if (Mode == BbrMode.ProbeRtt)
        {
            window.Cwnd = Math.Min(window.Cwnd, CwndMinTarget);
        }
    }

}
