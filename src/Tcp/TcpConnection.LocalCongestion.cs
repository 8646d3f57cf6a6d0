using NetSim.Sim.Kernel;

namespace NetSim.Tcp;

/// <summary>
/// Local congestion: the host's own qdisc refusing what TCP sends (NET_XMIT_DROP, as a
/// <c>pfifo limit 0</c> root qdisc does). __tcp_transmit_skb() then enters CWR (tcp_enter_cwr())
/// and reports the failure: new data stays unsent, a retransmission is not counted as one (its
/// RETRANS_CB sees the error), and a probe, which cannot reach the peer, is retried every
/// TCP_RESOURCE_PROBE_INTERVAL (500 ms) without backoff, until the user timeout or tcp_retries2
/// probes give up (tcp_send_probe0()).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>TCP_RESOURCE_PROBE_INTERVAL: HZ / 2.</summary>
    private static readonly SimTime ResourceProbeInterval = SimTime.FromMilliseconds(500);

    /// <summary>The positive error __tcp_transmit_skb() returns for NET_XMIT_DROP (net_xmit_eval() keeps it), which RETRANS_CB reports.</summary>
    private const int TransmitDropped = 1;

    /// <summary>
    /// The host's qdisc would drop a segment sent now: true after entering CWR, as
    /// __tcp_transmit_skb() does when the qdisc refuses it.
    /// </summary>
    private bool QdiscRefuses()
    {
        if (!Stack.Host.QdiscDropsAll)
        {
            return false;
        }

        EnterCwr();
        return true;
    }

    /// <summary>
    /// tcp_clamp_probe0_to_user_timeout(): a probe timer due after the user timeout runs out,
    /// counted from the first probe, fires when it does (TCP_TIMEOUT_MIN at least) instead.
    /// </summary>
    private SimTime ClampProbeToUserTimeout(SimTime when)
    {
        if (UserTimeout <= SimTime.Zero || _probesStamp == SimTime.Never)
        {
            return when;
        }

        var remaining = UserTimeout - SimTime.Max(SimTime.Zero, Simulation.Now - _probesStamp);
        return SimTime.Min(SimTime.Max(remaining, TimeoutMin), when);
    }
}
