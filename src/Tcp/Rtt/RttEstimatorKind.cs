namespace NetSim.Tcp.Rtt;

public enum RttEstimatorKind
{
    /// <summary>Linux tcp_rtt_estimator() and __tcp_set_rto(): RTO = SRTT + max(mdev, rto_min).</summary>
    Linux,

    /// <summary>RFC 6298 §2: RTO = max(min RTO, SRTT + max(G, 4*RTTVAR)).</summary>
    Rfc6298,
}
