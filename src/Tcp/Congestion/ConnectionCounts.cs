namespace NetSim.Tcp.Congestion;

/// <summary>A connection's running totals that delivery-rate samples difference: tp->delivered, tp->delivered_ce and tp->lost.</summary>
public readonly record struct ConnectionCounts(long Delivered, long DeliveredCe, long Lost);
