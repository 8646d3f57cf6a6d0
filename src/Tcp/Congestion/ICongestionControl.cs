namespace NetSim.Tcp.Congestion;

/// <summary>
/// A congestion-control algorithm, shaped like Linux's struct tcp_congestion_ops so that kernel
/// modules port method by method.
/// </summary>
public interface ICongestionControl
{
    /// <summary>The algorithm's name as TCP_CONGESTION takes it.</summary>
    string Name { get; }

    /// <summary>The slow-start threshold to use after a loss (ops->ssthresh).</summary>
    uint Ssthresh(CongestionWindow window);

    /// <summary>Grows the window for <paramref name="acked"/> newly acknowledged segments (ops->cong_avoid).</summary>
    void CongestionAvoid(CongestionWindow window, uint acked);

    /// <summary>Notified on every change of the congestion state (ops->set_state).</summary>
    void SetState(CongestionWindow window, CaState state);
}
