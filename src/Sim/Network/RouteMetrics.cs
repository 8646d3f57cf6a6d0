namespace NetSim.Sim.Network;

/// <summary>
/// The metrics a route may carry (Linux RTAX_*, set by <c>ip route ... advmss N mtu [lock] N
/// initcwnd N</c>); an absent one is taken from the device or the TCP defaults.
/// </summary>
/// <param name="Mtu">RTAX_MTU: the route's MTU in place of the device's.</param>
/// <param name="MtuLocked">The MTU is locked (<c>mtu lock</c>): no Fragmentation Needed lowers it (__ip_rt_update_pmtu()).</param>
/// <param name="AdvMss">RTAX_ADVMSS: the MSS TCP announces on this route (dst_metric_advmss()).</param>
/// <param name="InitCwnd">RTAX_INITCWND: TCP's initial congestion window on this route (tcp_init_cwnd()).</param>
public readonly record struct RouteMetrics(int? Mtu = null, bool MtuLocked = false, int? AdvMss = null, int? InitCwnd = null);
