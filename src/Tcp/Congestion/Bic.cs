namespace NetSim.Tcp.Congestion;

/// <summary>
/// BIC TCP (Xu, Harfoush and Rhee, INFOCOM 2004) as Linux implements it in net/ipv4/tcp_bic.c.
/// Past slow start the window searches for the one that last lost (Wmax) by binary search: a
/// quarter of the distance per round trip, at most 16 segments, slowly near Wmax; beyond it, it
/// probes by the same steps in reverse. A loss keeps 819/1024 of the window (half below 14
/// segments), and fast convergence lowers Wmax when a loss comes below the last one. The growth
/// is counted per ACK, scaled by the segments an ACK covers (delayed ACKs) as Linux estimates it.
/// </summary>
public sealed class Bic : ICongestionControl
{
    /// <summary>BICTCP_BETA_SCALE: beta is in 1024ths.</summary>
    private const uint BetaScale = 1024;

    /// <summary>BICTCP_B: the binary search goes a quarter of the way to Wmax each round trip.</summary>
    private const uint SearchDivisor = 4;

    /// <summary>beta: a loss keeps 819/1024 of cwnd.</summary>
    private const uint Beta = 819;

    /// <summary>max_increment: the most segments one round trip adds.</summary>
    private const uint MaxIncrement = 16;

    /// <summary>low_window: at or below it BIC behaves as Reno.</summary>
    private const uint LowWindow = 14;

    /// <summary>smooth_part: round trips from Wmax - B to Wmax.</summary>
    private const uint SmoothPart = 20;

    /// <summary>ACK_RATIO_SHIFT: the segments-per-ACK estimate is kept in 16ths.</summary>
    private const int AckRatioShift = 4;

    private TcpConnection? _connection;
    private uint _count;
    private uint _lastMaxCwnd;
    private uint _lastCwnd;
    private uint _lastTime;
    private uint _delayedAck = 2 << AckRatioShift;

    public string Name => "bic";

    /// <summary>The window BIC searches towards (last_max_cwnd), 0 before the first loss.</summary>
    public uint LastMaxCwnd => _lastMaxCwnd;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("BIC runs once its connection is established");

    /// <summary>bictcp_init() (initial_ssthresh is 0: ssthresh stays as it is).</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        Reset();
    }

    /// <summary>bictcp_recalc_ssthresh(): Wmax is the window now, or less with fast convergence.</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        var cwnd = window.Cwnd;
        _lastMaxCwnd = cwnd < _lastMaxCwnd ? (uint)((ulong)cwnd * (BetaScale + Beta) / (2 * BetaScale)) : cwnd;
        return cwnd <= LowWindow ? Math.Max(cwnd >> 1, 2u) : Math.Max((uint)((ulong)cwnd * Beta / BetaScale), 2u);
    }

    /// <summary>bictcp_cong_avoid().</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        acked = window.SlowStartFirst(acked);
        if (acked == 0)
        {
            return;
        }

        Update(window.Cwnd);
        window.CongestionAvoidanceIncrease(_count, acked);
    }

    /// <summary>bictcp_state(): a timeout starts the search over.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (state == CaState.Loss)
        {
            Reset();
        }
    }

    /// <summary>bictcp_acked(): in Open, the segments per ACK, a moving average over 16 ACKs.</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        if (connection.CaState == CaState.Open)
        {
            _delayedAck = (uint)(_delayedAck + packets - (_delayedAck >> AckRatioShift));
        }
    }

    /// <summary>bictcp_reset().</summary>
    private void Reset()
    {
        _count = 0;
        _lastMaxCwnd = 0;
        _lastCwnd = 0;
        _lastTime = 0;
        _delayedAck = 2 << AckRatioShift;
    }

    /// <summary>bictcp_update(): the ACKs per segment of growth, recomputed when cwnd moved or 1/32 s passed.</summary>
    private void Update(uint cwnd)
    {
        var now = Connection.Jiffies;
        if (_lastCwnd == cwnd && (int)(now - _lastTime) <= Connection.Settings.Hz / 32)
        {
            return;
        }

        _lastCwnd = cwnd;
        _lastTime = now;

        if (cwnd <= LowWindow)
        {
            _count = cwnd;
            return;
        }

        if (cwnd < _lastMaxCwnd)
        {
            var distance = (_lastMaxCwnd - cwnd) / SearchDivisor;
            _count = distance > MaxIncrement ? cwnd / MaxIncrement
                : distance <= 1 ? cwnd * SmoothPart / SearchDivisor
                : cwnd / distance;
        }
        else
        {
            _count = cwnd < _lastMaxCwnd + SearchDivisor ? cwnd * SmoothPart / SearchDivisor
                : cwnd < _lastMaxCwnd + MaxIncrement * (SearchDivisor - 1) ? cwnd * (SearchDivisor - 1) / (cwnd - _lastMaxCwnd)
                : cwnd / MaxIncrement;
        }

        // Before the first loss, or with the link little used: at least 5% a round trip.
        if (_lastMaxCwnd == 0 && _count > 20)
        {
            _count = 20;
        }

        _count = Math.Max((_count << AckRatioShift) / _delayedAck, 1u);
    }
}
