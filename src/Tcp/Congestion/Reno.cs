namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP Reno as Linux implements it in net/ipv4/tcp_cong.c (tcp_reno_cong_avoid,
/// tcp_reno_ssthresh, tcp_reno_undo_cwnd): slow start, then one segment per window per RTT
/// (RFC 5681 §3.1), halving on loss.
/// </summary>
public sealed class Reno : ICongestionControl
{
    public string Name => "reno";

    public uint Ssthresh(CongestionWindow window) => Math.Max(window.Cwnd >> 1, 2u);

    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        acked = window.SlowStartFirst(acked);
        if (acked > 0)
        {
            window.CongestionAvoidanceIncrease(window.Cwnd, acked);
        }
    }

    public void SetState(CongestionWindow window, CaState state)
    {
    }
}
