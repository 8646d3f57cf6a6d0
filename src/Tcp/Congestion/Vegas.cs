namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP Vegas (Brakmo and Peterson 1995) as Linux implements it in net/ipv4/tcp_vegas.c. Once per
/// RTT it compares the window with what the minimum RTT of that round says it would need at the
/// base RTT: Diff = cwnd (rtt - baseRTT) / baseRTT segments queued. Below alpha = 2 it adds a
/// segment, above beta = 4 it takes one away, and in slow start above gamma = 1 it sets cwnd to
/// the rate the path carries and leaves slow start. Losses halve the window as Reno.
/// </summary>
public sealed class Vegas : ICongestionControl
{
    private const uint Alpha = 2;
    private const uint Beta = 4;
    private const uint Gamma = 1;

    private readonly Reno _reno = new();
    private readonly VegasMeasurement _measurement = new();
    private TcpConnection? _connection;

    public string Name => "vegas";

    /// <summary>The smallest RTT seen, plus 1 us, in us (vegas->baseRTT).</summary>
    public uint BaseRtt => _measurement.BaseRtt;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("Vegas runs once its connection is established");

    /// <summary>tcp_vegas_init().</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _measurement.Init(connection);
    }

    public uint Ssthresh(CongestionWindow window) => _reno.Ssthresh(window);

    /// <summary>tcp_vegas_state(): Vegas measures only in Open (from tcp_vegas_init() on).</summary>
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

    /// <summary>tcp_vegas_cong_avoid(): the once-per-RTT adjustment when a round ends, slow start in between.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (!_measurement.Enabled)
        {
            _reno.CongestionAvoid(window, acked);
            return;
        }

        var connection = Connection;
        if (connection.SndUna > _measurement.RoundEnd)
        {
            // Two samples or fewer in a round are probably delayed ACKs: behave as Reno.
            if (_measurement.Samples <= 2)
            {
                _reno.CongestionAvoid(window, acked);
            }
            else
            {
                Adjust(window, acked);
            }

            _measurement.StartRound(connection.SndNxt);
        }
        else if (window.InSlowStart)
        {
            window.SlowStart(acked);
        }
    }

    private void Adjust(CongestionWindow window, uint acked)
    {
        var rtt = _measurement.MinRtt;
        var targetCwnd = (ulong)window.Cwnd * BaseRtt / rtt;
        var diff = (uint)((ulong)window.Cwnd * (rtt - BaseRtt) / BaseRtt);
        if (diff > Gamma && window.InSlowStart)
        {
            // Too fast: the rate the path carries, plus one for the truncation, and out of slow start.
            window.Cwnd = Math.Min(window.Cwnd, (uint)targetCwnd + 1);
            window.Ssthresh = Math.Min(window.Ssthresh, window.Cwnd);
        }
        else if (window.InSlowStart)
        {
            window.SlowStart(acked);
        }
        else if (diff > Beta)
        {
            window.Cwnd--;
            window.Ssthresh = Math.Min(window.Ssthresh, window.Cwnd);
        }
        else if (diff < Alpha)
        {
            window.Cwnd++;
        }

        window.Cwnd = Math.Clamp(window.Cwnd, 2u, Math.Max(2u, window.CwndClamp));
        window.Ssthresh = Connection.CurrentSsthresh();
    }
}
