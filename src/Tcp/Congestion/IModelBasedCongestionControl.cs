namespace NetSim.Tcp.Congestion;

/// <summary>
/// An algorithm that sets cwnd and the pacing rate itself from delivery-rate samples (Linux
/// ops->cong_control, which replaces cong_avoid and PRR for it): BBR.
/// </summary>
public interface IModelBasedCongestionControl : ICongestionControl
{
    /// <summary>Called on every ACK with its rate sample, after loss recovery has run (tcp_cong_control()).</summary>
    void CongControl(TcpConnection connection, RateSample sample);
}
