namespace NetSim.Tcp.Congestion;

/// <summary>
/// H-TCP (Shorten and Leith, PFLDnet 2004) as Linux implements it in net/ipv4/tcp_htcp.c: the
/// growth per round trip, alpha, rises with the time since the last congestion event (after the
/// first second, 1 + 10 t + (t/2)^2 in seconds), scaled to a 100 ms RTT, and times 2 (1 - beta);
/// beta, the share of cwnd kept on loss, is minRTT / maxRTT between 0.5 and 0.8, or 0.5 when the
/// throughput measured between losses moved by more than a fifth (the bandwidth switch). Values
/// are fixed point in 128ths, times in jiffies, as in Linux.
/// </summary>
public sealed class Htcp : ICongestionControl
{
    private const uint AlphaBase = 1 << 7;
    private const uint BetaMin = 1 << 6;
    private const uint BetaMax = 102;

    private TcpConnection? _connection;
    private uint _alpha = AlphaBase;
    private uint _beta = BetaMin;
    private bool _modeSwitch;
    private ushort _packetsAcked = 1;
    private uint _packetCount;
    private uint _minRtt;
    private uint _maxRtt;
    private uint _lastCongestion;
    private uint _undoLastCongestion;
    private uint _undoMaxRtt;
    private uint _undoOldMaxB;
    private uint _minB;
    private uint _maxB;
    private uint _oldMaxB;
    private uint _bandwidth;
    private uint _lastTime;

    public string Name => "htcp";

    /// <summary>The growth factor, in 128ths of a segment per round trip.</summary>
    public uint Alpha => _alpha;

    /// <summary>The share of cwnd a loss keeps, in 128ths.</summary>
    public uint Beta => _beta;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("H-TCP runs once its connection is established");

    private int Hz => Connection.Settings.Hz;

    /// <summary>htcp_init().</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _alpha = AlphaBase;
        _beta = BetaMin;
        _modeSwitch = false;
        _packetsAcked = 1;
        _packetCount = _minRtt = _maxRtt = 0;
        _undoLastCongestion = _undoMaxRtt = _undoOldMaxB = 0;
        _minB = _maxB = _oldMaxB = _bandwidth = _lastTime = 0;
        _lastCongestion = connection.Jiffies;
    }

    /// <summary>
    /// htcp_recalc_ssthresh(): beta and alpha updated, cwnd x beta kept. An RTO of the SYN asks
    /// before htcp_init() has run, when Linux's zeroed state gives beta its minimum, 0.5; the
    /// congestion clock and alpha it would also touch are reset by htcp_init() at establishment.
    /// </summary>
    public uint Ssthresh(CongestionWindow window)
    {
        if (_connection is null)
        {
            _beta = BetaMin;
        }
        else
        {
            UpdateParameters();
        }

        return Math.Max((window.Cwnd * _beta) >> 7, 2u);
    }

    /// <summary>htcp_cong_avoid(): alpha / cwnd segments per segment acknowledged, counted in the ACKs' segments.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (window.SlowStartTakes(acked))
        {
            return;
        }

        if (((window.CwndCount * _alpha) >> 7) >= window.Cwnd)
        {
            if (window.Cwnd < window.CwndClamp)
            {
                window.Cwnd++;
            }

            window.CwndCount = 0;
            UpdateAlpha();
        }
        else
        {
            window.CwndCount += _packetsAcked;
        }

        _packetsAcked = 1;
    }

    /// <summary>
    /// htcp_state(): a reduction marks a congestion event; Open after an undone one restarts the
    /// clock. Before htcp_init() (an RTO of the SYN) there is no clock to keep: init starts it.
    /// </summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (_connection is null)
        {
            return;
        }

        switch (state)
        {
            case CaState.Open when _undoLastCongestion != 0:
                _lastCongestion = Connection.Jiffies;
                _undoLastCongestion = 0;
                break;
            case CaState.Cwr or CaState.Recovery or CaState.Loss:
                _undoLastCongestion = _lastCongestion;
                _undoMaxRtt = _maxRtt;
                _undoOldMaxB = _oldMaxB;
                _lastCongestion = Connection.Jiffies;
                break;
        }
    }

    /// <summary>htcp_cwnd_undo(): a spurious reduction also gives back the congestion clock and the RTT and bandwidth memory.</summary>
    public uint UndoCwnd(TcpConnection connection)
    {
        if (_undoLastCongestion != 0)
        {
            _lastCongestion = _undoLastCongestion;
            _maxRtt = _undoMaxRtt;
            _oldMaxB = _undoOldMaxB;
            _undoLastCongestion = 0;
        }

        return Math.Max(connection.Window.Cwnd, connection.PriorCwnd);
    }

    /// <summary>measure_achieved_throughput(): RTT bounds, and the throughput of each window of ACKs in Open or Disorder.</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        // The SYN-ACK's, before init: htcp_init() zeroes all it would write.
        if (_connection is null)
        {
            return;
        }

        var now = connection.Jiffies;
        if (connection.CaState == CaState.Open)
        {
            _packetsAcked = (ushort)packets;
        }

        if (rttUs > 0)
        {
            MeasureRtt(connection, (uint)((rttUs * Hz + 999_999) / 1_000_000));
        }

        if (connection.CaState is not (CaState.Open or CaState.Disorder))
        {
            _packetCount = 0;
            _lastTime = now;
            return;
        }

        _packetCount += (uint)packets;
        var alphaSegments = _alpha >> 7 == 0 ? 1 : _alpha >> 7;
        if (_packetCount >= connection.Window.Cwnd - alphaSegments && now - _lastTime >= _minRtt && _minRtt > 0)
        {
            var current = (uint)(_packetCount * Hz / (now - _lastTime));
            if (CongestionTime / _minRtt <= 3)
            {
                // Just after a backoff.
                _minB = _maxB = _bandwidth = current;
            }
            else
            {
                _bandwidth = ((3 * _bandwidth) + current) / 4;
                _maxB = Math.Max(_maxB, _bandwidth);
                _minB = Math.Min(_minB, _maxB);
            }

            _packetCount = 0;
            _lastTime = now;
        }
    }

    /// <summary>htcp_cong_time(): jiffies since the last congestion event.</summary>
    private uint CongestionTime => Connection.Jiffies - _lastCongestion;

    /// <summary>measure_rtt(): the smallest RTT ever, and in Open the largest, rising at most 20 ms at a time.</summary>
    private void MeasureRtt(TcpConnection connection, uint rtt)
    {
        if (_minRtt > rtt || _minRtt == 0)
        {
            _minRtt = rtt;
        }

        if (connection.CaState == CaState.Open)
        {
            _maxRtt = Math.Max(_maxRtt, _minRtt);
            if (_maxRtt < rtt && rtt <= _maxRtt + MillisecondsToJiffies(20))
            {
                _maxRtt = rtt;
            }
        }
    }

    /// <summary>htcp_param_update(): beta, then alpha, and maxRTT fading 5% towards minRTT.</summary>
    private void UpdateParameters()
    {
        UpdateBeta();
        UpdateAlpha();
        if (_minRtt > 0 && _maxRtt > _minRtt)
        {
            _maxRtt = _minRtt + ((_maxRtt - _minRtt) * 95 / 100);
        }
    }

    /// <summary>htcp_beta_update(): 0.5 when the throughput moved by more than a fifth, else minRTT / maxRTT in [0.5, 0.8] once a mode switch allows.</summary>
    private void UpdateBeta()
    {
        var maxB = _maxB;
        var oldMaxB = _oldMaxB;
        _oldMaxB = _maxB;

        // between(5 maxB, 4 old_maxB, 6 old_maxB) in u32 arithmetic.
        if (unchecked((6 * oldMaxB) - (4 * oldMaxB)) < unchecked((5 * maxB) - (4 * oldMaxB)))
        {
            _beta = BetaMin;
            _modeSwitch = false;
            return;
        }

        if (_modeSwitch && _minRtt > MillisecondsToJiffies(10) && _maxRtt != 0)
        {
            _beta = Math.Clamp((_minRtt << 7) / _maxRtt, BetaMin, BetaMax);
        }
        else
        {
            _beta = BetaMin;
            _modeSwitch = true;
        }
    }

    /// <summary>htcp_alpha_update(): the growth factor from the time since the last congestion event, scaled by the RTT.</summary>
    private void UpdateAlpha()
    {
        var factor = 1u;
        var elapsed = CongestionTime;
        var hz = (uint)Hz;
        if (elapsed > hz)
        {
            elapsed -= hz;
            factor = 1 + (((10 * elapsed) + (elapsed / 2 * (elapsed / 2) / hz)) / hz);
        }

        if (_minRtt != 0)
        {
            var scale = Math.Clamp((hz << 3) / (10 * _minRtt), 1u << 2, 10u << 3);
            factor = Math.Max((factor << 3) / scale, 1u);
        }

        _alpha = 2 * factor * ((1 << 7) - _beta);
        if (_alpha == 0)
        {
            _alpha = AlphaBase;
        }
    }

    /// <summary>msecs_to_jiffies(), rounding up.</summary>
    private uint MillisecondsToJiffies(uint milliseconds) => (uint)((milliseconds * Hz + 999) / 1000);
}
