namespace NetSim.Tcp.Congestion;

/// <summary>
/// Reno with the window growth RFC 5681 §3.1 writes down, counted per ACK rather than per
/// segment acknowledged: slow start adds one segment for each ACK of new data (cwnd += min(N,
/// SMSS)), congestion avoidance SMSS*SMSS/cwnd (equation 3), so with delayed ACKs the window
/// grows half as fast as Linux's Reno, which counts segments (RFC 3465 byte counting). After a
/// loss ssthresh is half the FlightSize, the data sent and not cumulatively acknowledged
/// (equation 4), not half of cwnd. This is the growth of ns-3's TcpNewReno and of Linux before
/// 3.9 with tcp_abc = 0; recovery and everything else are the connection's.
/// </summary>
public sealed class Rfc5681Reno : ICongestionControl
{
    private TcpConnection? _connection;

    public string Name => "rfc5681";

    public void Init(TcpConnection connection) => _connection = connection;

    /// <summary>RFC 5681 equation 4: ssthresh = max(FlightSize / 2, 2 SMSS).</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        var flightSize = _connection is null ? (int)window.Cwnd : _connection.PacketsOut;
        return Math.Max((uint)flightSize >> 1, 2u);
    }

    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (acked == 0 || !window.CwndLimited)
        {
            return;
        }

        if (window.InSlowStart)
        {
            window.Cwnd = Math.Min(window.Cwnd + 1, window.CwndClamp);
            acked--;
        }

        if (acked > 0 && !window.InSlowStart)
        {
            window.CongestionAvoidanceIncrease(window.Cwnd, 1);
        }
    }

    public void SetState(CongestionWindow window, CaState state)
    {
    }
}
