namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP Veno (Fu and Liew, IEEE JSAC 2003) as Linux implements it in net/ipv4/tcp_veno.c: Vegas's
/// estimate of the segments queued, N = cwnd (rtt - baseRTT) / rtt, tells a loss to congestion
/// from a random one. Below beta = 3 queued segments the path is not congested: cwnd grows by
/// one segment a round trip and a loss takes a fifth of it; at or above it cwnd grows every other
/// round trip and a loss halves it. The RTT is the smallest sample since the last ACK's growth
/// (Linux clears it on every ACK), the base RTT the smallest ever; with two samples or fewer,
/// and outside Open, Veno is Reno.
/// </summary>
public sealed class Veno : ICongestionControl
{
    /// <summary>V_PARAM_SHIFT: beta and the difference are kept in halves.</summary>
    private const int ParamShift = 1;

    /// <summary>beta: 3 segments queued, in halves.</summary>
    private const uint Beta = 3 << ParamShift;

    private const uint NoRtt = 0x7fffffff;

    private readonly Reno _reno = new();
    private bool _doingVenoNow;
    private uint _rttCount;
    private uint _minRtt = NoRtt;
    private uint _baseRtt = NoRtt;
    private bool _increase = true;
    private uint _diff;

    public string Name => "veno";

    /// <summary>The smallest RTT seen, plus 1 us (veno->basertt), in us.</summary>
    public uint BaseRtt => _baseRtt;

    /// <summary>Whether the last estimate found the path congested: beta or more segments queued.</summary>
    public bool Congestive => _diff >= Beta;

    /// <summary>tcp_veno_init().</summary>
    public void Init(TcpConnection connection)
    {
        _baseRtt = NoRtt;
        _increase = true;
        Enable();
    }

    /// <summary>tcp_veno_ssthresh(): a fifth off when the path was not congested, half when it was.</summary>
    public uint Ssthresh(CongestionWindow window) =>
        _diff < Beta ? Math.Max(window.Cwnd * 4 / 5, 2u) : Math.Max(window.Cwnd >> 1, 2u);

    /// <summary>tcp_veno_cong_avoid().</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (!_doingVenoNow)
        {
            _reno.CongestionAvoid(window, acked);
            return;
        }

        if (!window.CwndLimited)
        {
            return;
        }

        if (_rttCount <= 2)
        {
            _reno.CongestionAvoid(window, acked);
        }
        else
        {
            var target = ((ulong)window.Cwnd * _baseRtt << ParamShift) / _minRtt;
            _diff = unchecked((window.Cwnd << ParamShift) - (uint)target);
            if (!window.InSlowStart || (acked = window.SlowStart(acked)) > 0)
            {
                Grow(window, acked);
            }

            window.Cwnd = Math.Clamp(window.Cwnd, 2u, window.CwndClamp);
        }

        _minRtt = NoRtt;
    }

    /// <summary>tcp_veno_state(): Veno measures only in Open.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (state == CaState.Open)
        {
            Enable();
        }
        else
        {
            _doingVenoNow = false;
        }
    }

    /// <summary>tcp_veno_pkts_acked(): RTT samples, never zero, for the base and the current minimum.</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        if (rttUs < 0)
        {
            return;
        }

        var rtt = (uint)rttUs + 1;
        _baseRtt = Math.Min(_baseRtt, rtt);
        _minRtt = Math.Min(_minRtt, rtt);
        _rttCount++;
    }

    /// <summary>tcp_veno_cwnd_event(): sending after idle starts over.</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        if (caEvent is CaEvent.CwndRestart or CaEvent.TxStart)
        {
            Init(connection);
        }
    }

    /// <summary>Congestion avoidance: every round trip while not congested, every other one while congested.</summary>
    private void Grow(CongestionWindow window, uint acked)
    {
        if (_diff < Beta)
        {
            window.CongestionAvoidanceIncrease(window.Cwnd, acked);
        }
        else if (window.CwndCount >= window.Cwnd)
        {
            if (_increase && window.Cwnd < window.CwndClamp)
            {
                window.Cwnd++;
                _increase = false;
            }
            else
            {
                _increase = true;
            }

            window.CwndCount = 0;
        }
        else
        {
            window.CwndCount += acked;
        }
    }

    private void Enable()
    {
        _doingVenoNow = true;
        _minRtt = NoRtt;
    }
}
