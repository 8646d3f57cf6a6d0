using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Congestion;

/// <summary>
/// What BBR v1 (mainline net/ipv4/tcp_bbr.c) and BBRv3 (google/bbr's tcp_bbr.c) compute the same
/// way: the pacing rate from bandwidth and gain, the BDP, inflight as of the next departure, the
/// ACK-aggregation estimate, and the cwnd saved before recovery or ProbeRtt. Fixed point as the
/// kernel's: bandwidth in segments per us scaled by 2^24, gains by 2^8.
/// </summary>
public abstract class BbrCore
{
    protected const int BwScale = 24;
    protected const ulong BwUnit = 1UL << BwScale;
    protected const int BbrScale = 8;
    protected const uint BbrUnit = 1U << BbrScale;

    /// <summary>bbr_cwnd_min_target: four segments keep two delayed-ACK pairs in flight.</summary>
    protected const uint CwndMinTarget = 4;

    /// <summary>bbr_pacing_margin_percent: pace 1% below the estimate, to keep queues low.</summary>
    protected const uint PacingMarginPercent = 1;

    /// <summary>sk_pacing_shift: a TSO burst is about 1 ms (2^-10 s) at the pacing rate.</summary>
    protected const int PacingShift = 10;

    /// <summary>bbr_probe_rtt_mode_ms: ProbeRtt holds inflight down for at least 200 ms.</summary>
    private const long ProbeRttModeMs = 200;

    private const uint ExtraAckedGain = BbrUnit;
    private const uint AckEpochAckedResetThreshold = 1U << 20;
    private const ulong ExtraAckedMaxUs = 100 * 1000;

    private readonly uint[] _extraAcked = new uint[2];
    private TcpConnection? _connection;
    private bool _hasSeenRtt;
    private SimTime _ackEpochStamp;
    private uint _ackEpochAcked;
    private uint _extraAckedWindowRtts;
    private int _extraAckedWindowIndex;

    /// <summary>When ProbeRtt may end, in jiffies; 0 until inflight is down (probe_rtt_done_stamp).</summary>
    private uint _probeRttDoneStamp;

    /// <summary>A round has passed at the ProbeRtt inflight (probe_rtt_round_done).</summary>
    private bool _probeRttRoundDone;

    public BbrMode Mode { get; protected set; }

    /// <summary>The gain the pacing rate applies to the bandwidth, over 256.</summary>
    public uint PacingGain { get; protected set; }

    /// <summary>Startup found the pipe full.</summary>
    public bool FullBandwidthReached { get; protected set; }

    /// <summary>The minimum RTT in the model, in us; uint.MaxValue before any sample.</summary>
    public uint MinRttUs { get; protected set; }

    /// <summary>cwnd before the last recovery or ProbeRtt, to restore (prior_cwnd).</summary>
    protected uint PriorCwnd { get; set; }

    /// <summary>The CA state on the previous ACK (prev_ca_state).</summary>
    protected CaState PriorCaState { get; set; }

    /// <summary>tp->delivered at the end of the current round (next_rtt_delivered).</summary>
    protected long NextRttDelivered { get; set; }

    /// <summary>This ACK started a new packet-timed round (round_start).</summary>
    protected bool RoundStart { get; set; }

    /// <summary>Restarting after idle, until data is delivered again (idle_restart).</summary>
    protected bool IdleRestart { get; set; }

    /// <summary>init has run: the algorithm has a connection.</summary>
    protected bool IsAttached => _connection is not null;

    protected TcpConnection Connection => _connection ?? throw new InvalidOperationException("BBR runs once its connection is established");

    protected uint Jiffies => Connection.Jiffies;

    /// <summary>The bandwidth the model paces and sizes cwnd with (bbr_bw()).</summary>
    protected abstract ulong ModelBandwidth { get; }

    /// <summary>The pacing gain before the first bandwidth sample (Startup's).</summary>
    protected abstract uint StartupPacingGain { get; }

    /// <summary>bbr_bdp() without an RTT sample: the initial window.</summary>
    protected abstract uint CwndWithoutRtt { get; }

    /// <summary>bbr_tso_segs_goal().</summary>
    protected abstract uint TsoSegmentsGoal();

    /// <summary>What follows ProbeRtt once cwnd is restored: the version's filter stamp and next mode.</summary>
    protected abstract void LeaveProbeRtt();

    /// <summary>bbr_rate_bytes_per_sec() with the pacing margin.</summary>
    protected abstract ulong RateBytesPerSecond(ulong rate, uint gain);

    /// <summary>
    /// The common part of bbr_init(): Startup with ssthresh unused, rounds counted from now, the
    /// minimum RTT so far, a fresh ACK epoch, pacing on (SK_PACING_NEEDED) from cwnd and the RTT.
    /// </summary>
    protected void Attach(TcpConnection connection)
    {
        _connection = connection;
        connection.Window.Ssthresh = CongestionWindow.InfiniteSsthresh;
        Mode = BbrMode.Startup;
        FullBandwidthReached = false;
        PriorCaState = CaState.Open;
        NextRttDelivered = connection.Delivered;
        RoundStart = false;
        IdleRestart = false;
        connection.PacingEnabled = true;
        _probeRttDoneStamp = 0;
        _probeRttRoundDone = false;
        MinRttUs = connection.MinRttUs > 0 ? (uint)connection.MinRttUs : uint.MaxValue;
        _hasSeenRtt = false;
        RestartAckEpoch();
        _extraAckedWindowRtts = 0;
        _extraAckedWindowIndex = 0;
        _extraAcked[0] = 0;
        _extraAcked[1] = 0;
        InitPacingRateFromRtt();
    }

    /// <summary>The unscaled rate: bandwidth x MSS x gain x (100 - margin)%, in bytes per second.</summary>
    protected ulong ScaledRate(ulong rate, uint gain, uint marginPercent)
    {
        rate *= (ulong)Connection.Mss;
        rate *= gain;
        rate >>= BbrScale;
        rate *= 1_000_000 / 100 * (100 - marginPercent);
        return rate >> BwScale;
    }

    /// <summary>bbr_bw_to_pacing_rate(): capped by SO_MAX_PACING_RATE.</summary>
    protected ulong BandwidthToPacingRate(ulong bw, uint gain) => Math.Min(RateBytesPerSecond(bw, gain), Connection.MaxPacingRate);

    /// <summary>bbr_init_pacing_rate_from_rtt(): before any bandwidth sample, cwnd over the smoothed RTT (1 ms without one), at Startup's gain.</summary>
    protected void InitPacingRateFromRtt()
    {
        var connection = Connection;
        ulong rttUs;
        if (connection.Rtt.SrttUs8 > 0)
        {
            rttUs = (ulong)Math.Max(connection.Rtt.SrttUs8 >> 3, 1);
            _hasSeenRtt = true;
        }
        else
        {
            rttUs = 1000;
        }

        var bw = connection.Window.Cwnd * BwUnit / rttUs;
        connection.PacingRate = BandwidthToPacingRate(bw, StartupPacingGain);
    }

    /// <summary>bbr_set_pacing_rate(): until the pipe is full the rate only rises; then it follows the model.</summary>
    protected void SetPacingRate(ulong bw, uint gain)
    {
        var connection = Connection;
        var rate = BandwidthToPacingRate(bw, gain);
        if (!_hasSeenRtt && connection.Rtt.SrttUs8 > 0)
        {
            InitPacingRateFromRtt();
        }

        if (FullBandwidthReached || rate > connection.PacingRate)
        {
            connection.PacingRate = rate;
        }
    }

    /// <summary>
    /// bbr_save_cwnd(): remember cwnd before recovery or ProbeRtt, the larger if already in one.
    /// It reads only the window, as ssthresh may ask before bbr_init() has run: an RTO of the SYN
    /// calls tcp_enter_loss(), and so ops->ssthresh, while the connection is still opening.
    /// </summary>
    protected void SaveCwnd(CongestionWindow window)
    {
        var cwnd = window.Cwnd;
        PriorCwnd = PriorCaState < CaState.Recovery && Mode != BbrMode.ProbeRtt ? cwnd : Math.Max(PriorCwnd, cwnd);
    }

    /// <summary>bbr_bdp(): bandwidth times minimum RTT times gain, in segments, rounded up; the initial window without an RTT.</summary>
    protected uint Bdp(ulong bw, uint gain)
    {
        if (MinRttUs == uint.MaxValue)
        {
            return CwndWithoutRtt;
        }

        var w = bw * MinRttUs;
        return (uint)((((w * gain) >> BbrScale) + BwUnit - 1) / BwUnit);
    }

    /// <summary>bbr_packets_in_net_at_edt(): inflight as it will be when the next segment departs.</summary>
    protected uint PacketsInNetAtEdt(uint inflightNow)
    {
        var connection = Connection;
        var now = connection.Simulation.Now;
        var edt = SimTime.Max(connection.NextDeparture, now);
        var intervalUs = (ulong)(edt - now).Microseconds;
        var intervalDelivered = (ModelBandwidth * intervalUs) >> BwScale;
        ulong atEdt = inflightNow;
        if (PacingGain > BbrUnit)
        {
            atEdt += TsoSegmentsGoal();
        }

        return intervalDelivered >= atEdt ? 0 : (uint)(atEdt - intervalDelivered);
    }

    /// <summary>A new ACK-aggregation epoch from now (restarting from idle).</summary>
    protected void RestartAckEpoch()
    {
        _ackEpochStamp = Connection.Simulation.Now;
        _ackEpochAcked = 0;
    }

    /// <summary>
    /// bbr_update_ack_aggregation(): how far ACKs ran ahead of the bandwidth over an epoch; the
    /// maximum of two windows of <paramref name="windowRtts"/> rounds each.
    /// </summary>
    protected void UpdateAckAggregation(RateSample rs, bool roundStart, uint windowRtts)
    {
        if (rs.AckedSacked <= 0 || rs.Delivered < 0 || rs.IntervalUs <= 0)
        {
            return;
        }

        var connection = Connection;
        if (roundStart)
        {
            _extraAckedWindowRtts = Math.Min(0x1F, _extraAckedWindowRtts + 1);
            if (_extraAckedWindowRtts >= windowRtts)
            {
                _extraAckedWindowRtts = 0;
                _extraAckedWindowIndex ^= 1;
                _extraAcked[_extraAckedWindowIndex] = 0;
            }
        }

        var deliveredTime = connection.DeliveryRate.DeliveredTime;
        var epochUs = (ulong)Math.Max(0, (deliveredTime - _ackEpochStamp).Microseconds);
        var expected = (uint)(ModelBandwidth * epochUs / BwUnit);
        if (_ackEpochAcked <= expected || _ackEpochAcked + rs.AckedSacked >= AckEpochAckedResetThreshold)
        {
            _ackEpochAcked = 0;
            _ackEpochStamp = deliveredTime;
            expected = 0;
        }

        _ackEpochAcked = (uint)Math.Min(0xFFFFF, _ackEpochAcked + rs.AckedSacked);
        var extra = Math.Min(_ackEpochAcked - expected, connection.Window.Cwnd);
        if (extra > _extraAcked[_extraAckedWindowIndex])
        {
            // extra_acked[] is a u16 in struct bbr.
            _extraAcked[_extraAckedWindowIndex] = (ushort)extra;
        }
    }

    /// <summary>bbr_ack_aggregation_cwnd() once allowed: the aggregation seen, at most 100 ms of bandwidth.</summary>
    protected uint AggregationAllowance()
    {
        var maxAggregation = ModelBandwidth * ExtraAckedMaxUs / BwUnit;
        var aggregation = (ulong)(ExtraAckedGain * Math.Max(_extraAcked[0], _extraAcked[1])) >> BbrScale;
        return (uint)Math.Min(aggregation, maxAggregation);
    }

    /// <summary>
    /// bbr_cwnd_event(CA_EVENT_TX_START): restarting from idle while app-limited, a fresh ACK
    /// epoch; in ProbeBw pace at the estimated bandwidth, in ProbeRtt see whether it may end.
    /// </summary>
    protected void RestartFromIdle()
    {
        if (!Connection.DeliveryRate.AppLimited)
        {
            return;
        }

        IdleRestart = true;
        RestartAckEpoch();
        if (Mode == BbrMode.ProbeBw)
        {
            SetPacingRate(ModelBandwidth, BbrUnit);
        }
        else if (Mode == BbrMode.ProbeRtt)
        {
            CheckProbeRttDone();
        }
    }

    /// <summary>The part of bbr_update_min_rtt() that enters ProbeRtt: note cwnd to restore it, and wait for inflight to fall.</summary>
    protected void EnterProbeRtt()
    {
        Mode = BbrMode.ProbeRtt;
        SaveCwnd(Connection.Window);
        _probeRttDoneStamp = 0;
    }

    /// <summary>
    /// The rest of bbr_update_min_rtt(): in ProbeRtt its low-rate samples are app-limited; once
    /// inflight is down to <paramref name="cwndTarget"/> it holds for 200 ms and a round. The first
    /// ACK that delivers data ends an idle restart.
    /// </summary>
    protected void HoldProbeRtt(RateSample rs, uint cwndTarget)
    {
        var connection = Connection;
        if (Mode == BbrMode.ProbeRtt)
        {
            connection.DeliveryRate.SetAppLimited(connection.Delivered, connection.PacketsInFlight);
            if (_probeRttDoneStamp == 0 && connection.PacketsInFlight <= cwndTarget)
            {
                // 0 means "not set": a stamp that wraps to it would never end ProbeRtt.
                _probeRttDoneStamp = Math.Max(1, Jiffies + connection.Settings.ToJiffies(SimTime.FromMilliseconds(ProbeRttModeMs)));
                _probeRttRoundDone = false;
                NextRttDelivered = connection.Delivered;
            }
            else if (_probeRttDoneStamp != 0)
            {
                _probeRttRoundDone |= RoundStart;
                if (_probeRttRoundDone)
                {
                    CheckProbeRttDone();
                }
            }
        }

        if (rs.Delivered > 0)
        {
            IdleRestart = false;
        }
    }

    /// <summary>bbr_check_probe_rtt_done(): after 200 ms and a round, restore cwnd and leave ProbeRtt.</summary>
    private void CheckProbeRttDone()
    {
        if (_probeRttDoneStamp == 0 || (int)(Jiffies - _probeRttDoneStamp) <= 0)
        {
            return;
        }

        var window = Connection.Window;
        window.Cwnd = Math.Max(window.Cwnd, PriorCwnd);
        LeaveProbeRtt();
    }
}
