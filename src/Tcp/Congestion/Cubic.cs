namespace NetSim.Tcp.Congestion;

/// <summary>
/// CUBIC as Linux implements it in net/ipv4/tcp_cubic.c (RFC 9438): after a loss the window
/// follows W(t) = C (t - K)^3 + Wmax in units of 2^-10 s, with beta 717/1024, fast convergence,
/// the Reno-friendly region, at most one update per jiffy, and HyStart (ACK train and delay
/// increase) ending slow start before the first loss. The integer arithmetic and scale factors are
/// the kernel's; the cube root is exact where Linux's table approximates it (within 0.2%).
/// </summary>
public sealed class Cubic : ICongestionControl
{
    private const int BetaScale = 1024;
    private const int Beta = 717;
    private const int BicScale = 41;
    private const int BicHz = 10;
    private const uint HystartLowWindow = 16;
    private const long HystartAckDeltaUs = 2000;
    private const int HystartMinSamples = 8;
    private const uint HystartDelayMinUs = 4000;
    private const uint HystartDelayMaxUs = 16000;

    /// <summary>1024 * c / rtt for c = 0.4 (bic_scale * 10).</summary>
    private const ulong CubeRttScale = BicScale * 10;

    /// <summary>Linux beta_scale: 8 * (1024 + beta) / 3 / (1024 - beta), the Reno-friendly window's growth per ACK.</summary>
    private const uint RenoFriendlyScale = 8 * (BetaScale + Beta) / 3 / (BetaScale - Beta);

    /// <summary>Linux cube_factor: 2^(10 + 3 * BICTCP_HZ) / (bic_scale * 10).</summary>
    private const ulong CubeFactor = (1UL << (10 + (3 * BicHz))) / CubeRttScale;

    private TcpConnection? _connection;
    private HystartPlusPlus? _hystartPlusPlus;

    // struct bictcp
    private uint _cnt;
    private uint _lastMaxCwnd;
    private uint _lastCwnd;
    private uint _lastTime;
    private uint _originPoint;
    private uint _k;
    private uint _delayMin;
    private uint _epochStart;
    private uint _ackCount;
    private uint _renoCwnd;
    private int _sampleCount;
    private bool _found;
    private long _roundStart;
    private SequenceNumber _endSeq;
    private long _lastAck;
    private uint _currentRtt;

    public string Name => "cubic";

    /// <summary>HyStart found the end of slow start before any loss (ca->found).</summary>
    public bool HystartFound => _found;

    /// <summary>HyStart++'s state when the connection runs it.</summary>
    public HystartPlusPlus? HystartPlusPlus => _hystartPlusPlus;

    /// <summary>The window before the last reduction, W_max (ca->last_max_cwnd), in segments.</summary>
    public uint LastMaxCwnd => _lastMaxCwnd;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("CUBIC runs once its connection is established");

    /// <summary>tcp_jiffies32: the modelled kernel's jiffies.</summary>
    private uint Jiffies => Connection.Jiffies;

    private int Hz => Connection.Settings.Hz;

    /// <summary>tp->tcp_mstamp in microseconds.</summary>
    private long NowUs => Connection.Simulation.Now.Microseconds;

    public void Init(TcpConnection connection)
    {
        _connection = connection;
        Reset();
        HystartReset();
        _hystartPlusPlus = null;
        if (connection.Settings.Hystart == HystartMode.PlusPlus)
        {
            _hystartPlusPlus = new HystartPlusPlus();
            _hystartPlusPlus.Start(connection.SndNxt);
        }
    }

    /// <summary>cubictcp_recalc_ssthresh(): the epoch ends; Wmax remembers the window, lower with fast convergence.</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        _epochStart = 0;
        var cwnd = window.Cwnd;
        _lastMaxCwnd = cwnd < _lastMaxCwnd
            ? (uint)((ulong)cwnd * (BetaScale + Beta) / (2 * BetaScale))
            : cwnd;
        return Math.Max((uint)((ulong)cwnd * Beta / BetaScale), 2u);
    }

    /// <summary>cubictcp_cong_avoid(): slow start, then one segment per <c>cnt</c> ACKed.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (_hystartPlusPlus is { } plusPlus && window.Ssthresh == CongestionWindow.InfiniteSsthresh)
        {
            if (window.CwndLimited)
            {
                plusPlus.Grow(window, acked);
            }

            return;
        }

        acked = window.SlowStartFirst(acked);
        if (acked > 0)
        {
            Update(window.Cwnd, acked);
            window.CongestionAvoidanceIncrease(_cnt, acked);
        }
    }

    /// <summary>cubictcp_state(): a timeout starts over, HyStart included.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (state == CaState.Loss && _connection is not null)
        {
            Reset();
            HystartReset();
        }
    }

    /// <summary>
    /// cubictcp_acked(): the minimum delay, and HyStart's round, from each RTT sample (none in the
    /// second after a reduction). The SYN-ACK's sample, before init, leaves nothing: cubictcp_init()
    /// zeroes the delay and restarts HyStart's round.
    /// </summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        if (_connection is null)
        {
            return;
        }

        if (_hystartPlusPlus is { } plusPlus && connection.Window.Ssthresh == CongestionWindow.InfiniteSsthresh)
        {
            plusPlus.OnAck(connection, rttUs);
        }

        if (rttUs < 0 || (_epochStart != 0 && (int)(Jiffies - _epochStart) < Hz))
        {
            return;
        }

        var delay = (uint)Math.Clamp(rttUs, 1, uint.MaxValue);
        if (_delayMin == 0 || _delayMin > delay)
        {
            _delayMin = delay;
        }

        if (!_found && connection.Window.InSlowStart && connection.Settings.Hystart == HystartMode.Classic)
        {
            HystartUpdate(connection, delay);
        }
    }

    /// <summary>cubictcp_cwnd_event(): after an idle period the epoch moves on, so the curve does not jump.</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        if (caEvent != CaEvent.TxStart || _epochStart == 0)
        {
            return;
        }

        var now = Jiffies;
        var idle = (int)(now - connection.LastSendJiffies);
        if (idle > 0)
        {
            _epochStart += (uint)idle;
            if ((int)(_epochStart - now) > 0)
            {
                _epochStart = now;
            }
        }
    }

    /// <summary>bictcp_update(): the ACK count per one-segment increase that tracks the cubic curve, or the Reno-friendly window if that is ahead.</summary>
    private void Update(uint cwnd, uint acked)
    {
        _ackCount += acked;
        var now = Jiffies;
        if (_lastCwnd == cwnd && (int)(now - _lastTime) <= Hz / 32)
        {
            return;
        }

        if (_epochStart == 0 || now != _lastTime)
        {
            _lastCwnd = cwnd;
            _lastTime = now;
            if (_epochStart == 0)
            {
                _epochStart = now;
                _ackCount = acked;
                _renoCwnd = cwnd;
                if (_lastMaxCwnd <= cwnd)
                {
                    _k = 0;
                    _originPoint = cwnd;
                }
                else
                {
                    _k = CubeRoot(CubeFactor * (_lastMaxCwnd - cwnd));
                    _originPoint = _lastMaxCwnd;
                }
            }

            // t in units of 2^-10 s, one minimum delay ahead.
            ulong t = (uint)(int)(now - _epochStart);
            t += (ulong)((_delayMin * (long)Hz + 999_999) / 1_000_000);
            t = (t << BicHz) / (ulong)Hz;
            var offset = t < _k ? _k - t : t - _k;
            var delta = (uint)((CubeRttScale * offset * offset * offset) >> (10 + (3 * BicHz)));
            var target = t < _k ? unchecked(_originPoint - delta) : unchecked(_originPoint + delta);
            _cnt = target > cwnd ? cwnd / (target - cwnd) : 100 * cwnd;

            // Before the first loss the curve is unknown: at least 5% growth per RTT.
            if (_lastMaxCwnd == 0 && _cnt > 20)
            {
                _cnt = 20;
            }
        }

        // The Reno-friendly region (RFC 9438 §4.3): a Reno flow's window, grown per ACK.
        var perSegment = (cwnd * RenoFriendlyScale) >> 3;
        while (perSegment > 0 && _ackCount > perSegment)
        {
            _ackCount -= perSegment;
            _renoCwnd++;
        }

        if (_renoCwnd > cwnd)
        {
            var maxCnt = cwnd / (_renoCwnd - cwnd);
            _cnt = Math.Min(_cnt, maxCnt);
        }

        // At most one segment per two ACKed: 1.5 times per RTT.
        _cnt = Math.Max(_cnt, 2u);
    }

    /// <summary>hystart_update(): leave slow start when an ACK train stretches past the minimum delay (plus hystart_ack_delay(), halved unless paced), or when the round's delay grows by an eighth (4-16 ms).</summary>
    private void HystartUpdate(TcpConnection connection, uint delay)
    {
        if (connection.SndUna > _endSeq)
        {
            HystartReset();
        }

        var window = connection.Window;
        if (window.Cwnd < HystartLowWindow)
        {
            return;
        }

        var now = NowUs;
        if (now - _lastAck <= HystartAckDeltaUs)
        {
            _lastAck = now;

            // The train may stretch to the minimum delay plus hystart_ack_delay(); halved when
            // nothing paces the flow (sk_pacing_status SK_PACING_NONE), as pacing may have spread
            // slow start's packets over up to half an RTT.
            var threshold = _delayMin + AckDelayUs(connection.PacingRate);
            if (!connection.PacingEnabled)
            {
                threshold >>= 1;
            }

            if (now - _roundStart > threshold)
            {
                _found = true;
                window.Ssthresh = window.Cwnd;
            }
        }

        _currentRtt = Math.Min(_currentRtt, delay);
        if (_sampleCount < HystartMinSamples)
        {
            _sampleCount++;
        }
        else if (_currentRtt > _delayMin + Math.Clamp(_delayMin >> 3, HystartDelayMinUs, HystartDelayMaxUs))
        {
            _found = true;
            window.Ssthresh = window.Cwnd;
        }
    }

    /// <summary>
    /// hystart_ack_delay(): the time a 64 KiB GSO packet takes four times over at the pacing rate,
    /// at most a millisecond; none while no pacing rate is set.
    /// </summary>
    private static uint AckDelayUs(ulong pacingRate) =>
        pacingRate is 0 or TcpConnection.Unpaced ? 0 : (uint)Math.Min(1000UL, (ulong)TcpConnection.GsoMaxSize * 4 * 1_000_000 / pacingRate);

    private void Reset()
    {
        _cnt = 0;
        _lastMaxCwnd = 0;
        _lastCwnd = 0;
        _lastTime = 0;
        _originPoint = 0;
        _k = 0;
        _delayMin = 0;
        _epochStart = 0;
        _ackCount = 0;
        _renoCwnd = 0;
        _sampleCount = 0;
        _found = false;
    }

    private void HystartReset()
    {
        _roundStart = _lastAck = NowUs;
        _endSeq = Connection.SndNxt;
        _currentRtt = uint.MaxValue;
        _sampleCount = 0;
    }

    /// <summary>The integer cube root, rounded down (Linux cubic_root() approximates it by table and one Newton step).</summary>
    private static uint CubeRoot(ulong a)
    {
        var x = (ulong)Math.Cbrt(a);
        while (x * x * x > a)
        {
            x--;
        }

        while ((x + 1) * (x + 1) * (x + 1) <= a)
        {
            x++;
        }

        return (uint)x;
    }
}
