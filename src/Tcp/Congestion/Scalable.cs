namespace NetSim.Tcp.Congestion;

/// <summary>
/// Scalable TCP (Kelly 2003) as Linux implements it in net/ipv4/tcp_scalable.c: past slow start
/// cwnd grows by one segment every min(cwnd, 100) segments acknowledged, about 1% a round trip once
/// the window is 100 segments, and a loss takes an eighth of it away (cwnd - cwnd / 8).
/// </summary>
public sealed class Scalable : ICongestionControl
{
    /// <summary>TCP_SCALABLE_AI_CNT: the most segments acknowledged per segment of growth.</summary>
    private const uint AdditiveIncreaseCount = 100;

    /// <summary>TCP_SCALABLE_MD_SCALE: a loss takes cwnd >> 3 away.</summary>
    private const int DecreaseShift = 3;

    public string Name => "scalable";

    public uint Ssthresh(CongestionWindow window) => Math.Max(window.Cwnd - (window.Cwnd >> DecreaseShift), 2u);

    /// <summary>tcp_scalable_cong_avoid().</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        acked = window.SlowStartFirst(acked);
        if (acked > 0)
        {
            window.CongestionAvoidanceIncrease(Math.Min(window.Cwnd, AdditiveIncreaseCount), acked);
        }
    }

    public void SetState(CongestionWindow window, CaState state)
    {
    }
}
