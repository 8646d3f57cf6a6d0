using NetSim.Tcp.Hooks;

namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP-NV ("New Vegas", Lawrence Brakmo) as Linux implements it in net/ipv4/tcp_nv.c. Once per RTT
/// it compares cwnd with the window the highest rate of the round needs at the minimum RTT
/// (cwnd_by_slope) plus nv_pad = 10 queued packets: above it, after enough samples, it cuts cwnd
/// by 30% of the excess and sets ssthresh to the target; well below it, it lets cwnd grow as Reno.
/// Losses take cwnd to 80%. Its init asks the sock_ops program for a base RTT (BPF_SOCK_OPS_BASE_RTT,
/// in us): when given, RTT samples above it are taken as it and below 80% of it as that bound.
/// The minimum RTT is renewed every 3.75 to 6.25 s (nv_reset_period 5 s with random jitter).
/// </summary>
public sealed class Nv : ICongestionControl
{
    private const uint Pad = 10;
    private const uint PadBuffer = 2;
    private const int ResetPeriodSeconds = 5;
    private const uint MinCwndFloor = 2;
    private const uint CongDecMult = 30 * 128 / 100;
    private const uint SsthreshFactor = 8;
    private const uint RttFactor = 128;
    private const uint LossDecFactor = 819;
    private const int CwndGrowthRateNeg = 8;
    private const int CwndGrowthRatePos = 0;
    private const int DecEvalMinCalls = 60;
    private const int IncEvalMinCalls = 20;
    private const int SsthreshEvalMinCalls = 30;
    private const int StopRttCount = 10;
    private const int RttMinCount = 2;

    /// <summary>NV_INIT_RTT, NV_MIN_CWND, NV_MIN_CWND_GROW, NV_TSO_CWND_BOUND.</summary>
    private const uint InitRtt = uint.MaxValue;
    private const uint NvMinCwnd = 4;
    private const uint MinCwndGrow = 2;
    private const uint TsoCwndBound = 80;

    private TcpConnection? _connection;
    private Random? _random;
    private long _minRttResetJiffies;
    private int _cwndGrowthFactor;
    private bool _allowCwndGrowth;
    private bool _reset;
    private bool _catchup;
    private int _evalCallCount;
    private uint _minCwnd;
    private int _rttCount;
    private uint _lastRtt;
    private uint _minRttNew;
    private uint _rttMaxRate;
    private SequenceNumber _rttStartSeq;
    private SequenceNumber _lastSndUna;
    private uint _noCongestionCount;

    public string Name => "nv";

    /// <summary>ca->nv_base_rtt: the program's BASE_RTT reply in us, 0 without one.</summary>
    public uint BaseRttUs { get; private set; }

    /// <summary>ca->nv_lower_bound_rtt: 80% of the base RTT (reply * 205 / 256), 0 without one.</summary>
    public uint LowerBoundRttUs { get; private set; }

    /// <summary>ca->nv_min_rtt: the active minimum (averaged, bounded) RTT in us that sets the slope.</summary>
    public uint MinRttUs { get; private set; }

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("NV runs once its connection is established");

    /// <summary>tcpnv_init(): BASE_RTT from the sock_ops program, then the first reset in 2 s.</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _random ??= connection.Simulation.Random.Get($"nv/{connection.LocalAddress}:{connection.LocalPort}-{connection.RemoteAddress}:{connection.RemotePort}");
        Reset();

        var baseRtt = connection.CallSockOps(SockOp.BaseRtt);
        BaseRttUs = baseRtt > 0 ? (uint)baseRtt : 0;
        LowerBoundRttUs = baseRtt > 0 ? (uint)((long)baseRtt * 205 >> 8) : 0;

        _allowCwndGrowth = true;
        _minRttResetJiffies = Jiffies + 2L * connection.Settings.Hz;
        MinRttUs = InitRtt;
        _minRttNew = InitRtt;
        _minCwnd = NvMinCwnd;
        _catchup = false;
        _cwndGrowthFactor = 0;
    }

    /// <summary>tcpnv_recalc_ssthresh(): 80% of cwnd, at least 2.</summary>
    public uint Ssthresh(CongestionWindow window) => Math.Max((uint)((ulong)window.Cwnd * LossDecFactor >> 10), 2u);

    /// <summary>tcpnv_cong_avoid(): Reno growth, slowed after losses, and none while NV has found congestion.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (!window.CwndLimited || !_allowCwndGrowth)
        {
            return;
        }

        if (window.InSlowStart)
        {
            acked = window.SlowStart(acked);
            if (acked == 0)
            {
                return;
            }
        }

        var count = _cwndGrowthFactor < 0
            ? window.Cwnd << -_cwndGrowthFactor
            : Math.Max(4u, window.Cwnd >> _cwndGrowthFactor);
        window.CongestionAvoidanceIncrease(count, acked);
    }

    /// <summary>tcpnv_state(): back to Open resets the measurements; a reduction stops growth, and a timeout slows it.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        // Before tcpnv_init() (an RTO of the SYN, then Open at establishment) nothing to keep: init resets it all.
        if (_connection is null)
        {
            return;
        }

        if (state == CaState.Open && _reset)
        {
            Reset();
        }
        else if (state is CaState.Loss or CaState.Cwr or CaState.Recovery)
        {
            _reset = true;
            _allowCwndGrowth = false;
            if (state == CaState.Loss)
            {
                _cwndGrowthFactor = Math.Min(_cwndGrowthFactor, 0);
                if (CwndGrowthRateNeg > 0 && _cwndGrowthFactor > -8)
                {
                    _cwndGrowthFactor--;
                }
            }
        }
    }

    /// <summary>tcpnv_acked(): the averaged RTT, the round's highest rate, and once a round the congestion decision.</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        // The SYN-ACK's sample, before init: tcpnv_init() resets the averages, minima and round it would write.
        if (_connection is null || rttUs < 0 || connection.CaState is not (CaState.Open or CaState.Disorder))
        {
            return;
        }

        var window = connection.Window;
        if (_catchup && window.Cwnd >= MinCwndFloor)
        {
            _catchup = false;
            _allowCwndGrowth = false;
        }

        var bytesAcked = connection.SndUna - _lastSndUna;
        _lastSndUna = connection.SndUna;
        var inFlight = connection.AckSampleInFlight;
        if (inFlight == 0)
        {
            return;
        }

        uint averageRtt;
        if (_lastRtt > 0)
        {
            averageRtt = (uint)(((ulong)rttUs * RttFactor + (ulong)_lastRtt * (256 - RttFactor)) >> 8);
        }
        else
        {
            averageRtt = (uint)rttUs;
            MinRttUs = averageRtt << 1;
        }

        _lastRtt = averageRtt;

        // The rate in 100s of bits per second.
        var rate = (uint)((ulong)inFlight * 8_000_000 / ((ulong)averageRtt * 100));
        _rttMaxRate = Math.Max(_rttMaxRate, rate);
        _evalCallCount = Math.Min(_evalCallCount + 1, 255);

        averageRtt = BoundedRtt(averageRtt);
        MinRttUs = Math.Min(MinRttUs, averageRtt);
        _minRttNew = Math.Min(_minRttNew, averageRtt);

        var now = Jiffies;
        if (now >= _minRttResetJiffies)
        {
            // A warm reset: the minimum of the last period takes over, the next comes in [3/4, 5/4) of nv_reset_period.
            MinRttUs = _minRttNew;
            _minRttNew = InitRtt;
            var jitter = _random!.Next(256);
            _minRttResetJiffies = now + ((long)ResetPeriodSeconds * (384 + jitter) * connection.Settings.Hz >> 9);
            _minCwnd = Math.Max(_minCwnd / 2, NvMinCwnd);
        }

        if (_rttStartSeq < connection.SndUna)
        {
            EndOfRound(connection, window, bytesAcked);
        }
    }

    /// <summary>The once-per-RTT part of tcpnv_acked().</summary>
    private void EndOfRound(TcpConnection connection, CongestionWindow window, long bytesAcked)
    {
        _rttStartSeq = connection.SndNxt;
        _rttCount = Math.Min(_rttCount + 1, 255);

        // A single call in a round means cwnd is too small to keep the path busy (TSO, LRO, coalescing): raise nv_min_cwnd.
        if (_evalCallCount == 1 && bytesAcked >= (long)(_minCwnd - 1) * connection.Mss && _minCwnd < TsoCwndBound + 1)
        {
            _minCwnd = Math.Min(_minCwnd + MinCwndGrow, TsoCwndBound + 1);
            _rttStartSeq = connection.SndNxt + (int)(_minCwnd * connection.Mss);
            _evalCallCount = 0;
            _allowCwndGrowth = true;
            return;
        }

        // slope = 80000 * mss / min_rtt; the window the round's best rate needs: rate / slope.
        var cwndBySlope = (uint)((ulong)_rttMaxRate * MinRttUs / (80000UL * (ulong)connection.Mss));
        var maxWindow = cwndBySlope + Pad;
        if (window.Cwnd > maxWindow)
        {
            if (_rttCount < RttMinCount)
            {
                return;
            }

            if (window.Ssthresh == CongestionWindow.InfiniteSsthresh)
            {
                if (_evalCallCount < SsthreshEvalMinCalls)
                {
                    return;
                }
            }
            else if (_evalCallCount < DecEvalMinCalls)
            {
                if (_allowCwndGrowth && _rttCount > StopRttCount)
                {
                    _allowCwndGrowth = false;
                }

                return;
            }

            // Enough data: congestion. Cut by 30% of the excess (at least 2), or to the target when close.
            _allowCwndGrowth = false;
            window.Ssthresh = SsthreshFactor * maxWindow >> 3;
            if (window.Cwnd - maxWindow > 2)
            {
                window.Cwnd -= Math.Max(2u, (window.Cwnd - maxWindow) * CongDecMult >> 7);
            }
            else if (CongDecMult > 0)
            {
                window.Cwnd = maxWindow;
            }

            _cwndGrowthFactor = Math.Min(_cwndGrowthFactor, 0);
            _noCongestionCount = 0;
        }
        else if (window.Cwnd <= maxWindow - PadBuffer)
        {
            if (_evalCallCount < IncEvalMinCalls)
            {
                return;
            }

            _allowCwndGrowth = true;
            _noCongestionCount++;
            if (_cwndGrowthFactor < 0 && CwndGrowthRateNeg > 0 && _noCongestionCount > CwndGrowthRateNeg)
            {
                _cwndGrowthFactor++;
                _noCongestionCount = 0;
            }
            else if (_cwndGrowthFactor >= 0 && CwndGrowthRatePos > 0 && _noCongestionCount > CwndGrowthRatePos)
            {
                _cwndGrowthFactor++;
                _noCongestionCount = 0;
            }
        }
        else
        {
            return;
        }

        _evalCallCount = 0;
        _rttCount = 0;
        _rttMaxRate = 0;
        window.Cwnd = Math.Max(window.Cwnd, MinCwndFloor);
    }

    /// <summary>nv_get_bounded_rtt(): the base RTT bounds the samples from above, 80% of it from below.</summary>
    private uint BoundedRtt(uint rtt)
    {
        if (LowerBoundRttUs > 0 && rtt < LowerBoundRttUs)
        {
            return LowerBoundRttUs;
        }

        return BaseRttUs > 0 && rtt > BaseRttUs ? BaseRttUs : rtt;
    }

    /// <summary>tcpnv_reset().</summary>
    private void Reset()
    {
        var sndUna = Connection.SndUna;
        _reset = false;
        _noCongestionCount = 0;
        _rttCount = 0;
        _lastRtt = 0;
        _rttMaxRate = 0;
        _rttStartSeq = sndUna;
        _evalCallCount = 0;
        _lastSndUna = sndUna;
    }

    private long Jiffies => Connection.Simulation.Now.Nanoseconds * Connection.Settings.Hz / 1_000_000_000L;
}
