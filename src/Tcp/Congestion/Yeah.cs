namespace NetSim.Tcp.Congestion;

/// <summary>
/// YeAH-TCP (Baiocchi, Castellani and Vacirca, PFLDnet 2007) as Linux implements it in
/// net/ipv4/tcp_yeah.c: Scalable TCP's fast growth while Vegas's estimate of the segments queued
/// stays at 80 or below and the round's RTT within an eighth of the base; Reno's growth, with the
/// queue drained at once (cwnd less the queue, at most half of it), when it does not. A loss takes
/// the last queue estimate away (between an eighth and half of cwnd) unless Reno mode has lasted
/// 16 rounds, which marks competing Reno flows, when it halves.
/// </summary>
public sealed class Yeah : ICongestionControl
{
    /// <summary>TCP_YEAH_ALPHA: segments queued at the bottleneck that YeAH tolerates.</summary>
    private const uint Alpha = 80;

    /// <summary>TCP_YEAH_GAMMA: the fraction of the queue drained per round.</summary>
    private const uint Gamma = 1;

    /// <summary>TCP_YEAH_DELTA: a loss takes at least cwnd >> 3.</summary>
    private const int Delta = 3;

    /// <summary>TCP_YEAH_EPSILON: a drain takes at most cwnd >> 1.</summary>
    private const int Epsilon = 1;

    /// <summary>TCP_YEAH_PHY: the round's RTT may exceed the base by an eighth.</summary>
    private const uint Phy = 8;

    /// <summary>TCP_YEAH_RHO: rounds of Reno mode after which a loss halves.</summary>
    private const uint Rho = 16;

    /// <summary>TCP_YEAH_ZETA: fast rounds after which reno_count starts over.</summary>
    private const uint Zeta = 50;

    /// <summary>TCP_SCALABLE_AI_CNT.</summary>
    private const uint ScalableCount = 100;

    private readonly VegasMeasurement _measurement = new();
    private TcpConnection? _connection;
    private uint _lastQueue;
    private uint _doingRenoNow;
    private uint _renoCount = 2;
    private uint _fastCount;

    public string Name => "yeah";

    /// <summary>The last estimate of the segments queued (lastQ).</summary>
    public uint LastQueue => _lastQueue;

    /// <summary>Consecutive rounds in Reno mode (doing_reno_now); 0 in fast mode.</summary>
    public uint RenoRounds => _doingRenoNow;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("YeAH runs once its connection is established");

    /// <summary>tcp_yeah_init().</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _measurement.Init(connection);
        _doingRenoNow = 0;
        _lastQueue = 0;
        _renoCount = 2;
        connection.Window.CwndClamp = Math.Min(connection.Window.CwndClamp, 0xffffffff / 128);
    }

    /// <summary>tcp_yeah_ssthresh().</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        var half = Math.Max(window.Cwnd >> 1, 2u);
        var reduction = _doingRenoNow < Rho ? Math.Max(Math.Min(_lastQueue, half), window.Cwnd >> Delta) : half;
        _fastCount = 0;
        _renoCount = Math.Max(_renoCount >> 1, 2u);
        return (uint)Math.Max((int)(window.Cwnd - reduction), 2);
    }

    /// <summary>tcp_yeah_cong_avoid(): Scalable or Reno growth, and at each round's end Vegas's queue estimate.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (!window.CwndLimited)
        {
            return;
        }

        if (!window.InSlowStart || (acked = window.SlowStart(acked)) > 0)
        {
            window.CongestionAvoidanceIncrease(_doingRenoNow == 0 ? Math.Min(window.Cwnd, ScalableCount) : window.Cwnd, acked);
        }

        var connection = Connection;
        if (connection.SndUna > _measurement.RoundEnd)
        {
            if (_measurement.Samples > 2)
            {
                EndRound(window);
            }

            _measurement.StartRound(connection.SndNxt);
        }
    }

    /// <summary>tcp_vegas_state().</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (_connection is { } connection)
        {
            _measurement.SetState(connection, state);
        }
    }

    /// <summary>tcp_vegas_cwnd_event().</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent) => _measurement.CwndEvent(connection, caEvent);

    /// <summary>tcp_vegas_pkts_acked().</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs) => _measurement.AddSample(rttUs);

    /// <summary>The once-per-round decision: drain and go Reno when the queue or the delay is too large, else stay fast.</summary>
    private void EndRound(CongestionWindow window)
    {
        var rtt = _measurement.MinRtt;
        var baseRtt = _measurement.BaseRtt;
        var queue = (uint)((ulong)window.Cwnd * (rtt - baseRtt) / rtt);
        if (queue > Alpha || rtt - baseRtt > baseRtt / Phy)
        {
            if (queue > Alpha && window.Cwnd > _renoCount)
            {
                var reduction = Math.Min(queue / Gamma, window.Cwnd >> Epsilon);
                window.Cwnd = Math.Max(window.Cwnd - reduction, _renoCount);
                window.Ssthresh = window.Cwnd;
            }

            _renoCount = _renoCount <= 2 ? Math.Max(window.Cwnd >> 1, 2u) : _renoCount + 1;
            _doingRenoNow = Math.Min(_doingRenoNow + 1, 0xffffffu);
        }
        else
        {
            _fastCount++;
            if (_fastCount > Zeta)
            {
                _renoCount = 2;
                _fastCount = 0;
            }

            _doingRenoNow = 0;
        }

        _lastQueue = queue;
    }
}
