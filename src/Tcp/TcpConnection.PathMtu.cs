using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// The send MSS and the path MTU (RFC 1191; Linux tcp_sync_mss(), tcp_v4_mtu_reduced()): the MSS
/// follows the host's path MTU towards the peer, and packets sent too big for a path MTU an ICMP
/// Fragmentation Needed reported go again at once, cut to the new MSS, as a loss that says
/// nothing of congestion (tcp_simple_retransmit(), tcp_non_congestion_loss_retransmit()).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>TCP_MIN_SND_MSS: the least MSS a path MTU can bring the sender to.</summary>
    private const int MinSendMssForPath = 48;

    /// <summary>tp->rx_opt.mss_clamp: the peer's MSS bounded by ours, which no path MTU raises the send MSS above.</summary>
    private int _mssClamp;

    /// <summary>What put the connection in the Loss state, for the retransmissions it makes there: an RTO, or a non-congestion loss.</summary>
    private RetransmissionCause _lossCause = RetransmissionCause.Timeout;

    /// <summary>icsk_pmtu_cookie: the path MTU the send MSS was last computed from.</summary>
    private int _pmtuCookie;

    /// <summary>The MTU of the route as this socket last validated it (dst_mtu() of sk_dst_cache, without learnt path MTUs).</summary>
    private int _routeMtu;

    /// <summary>The host's <see cref="Host.RouteGeneration"/> at that validation; -1 before the first.</summary>
    private int _routeGeneration = -1;

    /// <summary>
    /// __sk_dst_check() as every transmission makes it (ip_queue_xmit()): a route changed since the
    /// socket last looked is taken up now, so that tcp_current_mss() sees it from the next segment on.
    /// </summary>
    private void ValidateRoute()
    {
        var generation = Stack.Host.RouteGeneration;
        if (_routeGeneration != generation)
        {
            _routeGeneration = generation;
            _routeMtu = Stack.Host.MtuTowards(RemoteAddress);
        }
    }

    /// <summary>dst_mtu() of the socket's route: its MTU as last validated, or less where a Fragmentation Needed taught the host so.</summary>
    private int DstMtu()
    {
        if (_routeGeneration < 0)
        {
            ValidateRoute();
        }

        return Stack.Host.PathMtuTowards(RemoteAddress, _routeMtu);
    }

    /// <summary>
    /// tcp_sync_mss(): the send MSS for <paramref name="pathMtu"/> (tcp_mtu_to_mss()), and while
    /// MTU probing is on no more than the MSS of its search's floor; the search's top comes down to
    /// the path MTU.
    /// </summary>
    private void SyncMss(int pathMtu)
    {
        if (_searchHigh > pathMtu)
        {
            _searchHigh = pathMtu;
        }

        _pmtuCookie = pathMtu;
        var mss = MtuToMss(pathMtu);
        Mss = _mtupEnabled ? Math.Min(mss, MtuToMss(_searchLow)) : mss;
    }

    /// <summary>
    /// tcp_current_mss()'s check of dst_mtu() against icsk_pmtu_cookie: a path MTU another
    /// connection to the peer learnt lowers this one's MSS too, one whose entry expired (RFC 1191
    /// §6.3) raises it again, and so does a changed route once validated.
    /// </summary>
    private void FollowPathMtu()
    {
        if (_mssClamp == 0 || !IsFullSocket || State is TcpState.SynSent or TcpState.Listen or TcpState.Closed)
        {
            return;
        }

        var pathMtu = DstMtu();
        if (pathMtu != _pmtuCookie)
        {
            SyncMss(pathMtu);
        }
    }

    /// <summary>
    /// tcp_v4_mtu_reduced(): the host learns the path MTU (inet_csk_update_pmtu(), which validates
    /// the route again); if it is below the one the MSS came from, the MSS follows it and the
    /// segments too long for it are retransmitted at once (tcp_simple_retransmit()).
    /// </summary>
    private void MtuReduced(int reported)
    {
        Stack.Host.UpdatePathMtu(RemoteAddress, reported);
        ValidateRoute();
        var pathMtu = DstMtu();
        if (_pmtuCookie <= pathMtu)
        {
            return;
        }

        SyncMss(pathMtu);
        SimpleRetransmit();
    }

    /// <summary>
    /// tcp_simple_retransmit(): packets whose segments are longer than the new MSS are lost and cut
    /// to it (a Fast Open SYN's data, queued apart from its SYN, all of it), and go again under
    /// tcp_non_congestion_loss_retransmit():
    /// the units changed, not the amount of data in the network, so cwnd stays.
    /// </summary>
    private void SimpleRetransmit()
    {
        if (State == TcpState.SynSent && _synData)
        {
            _rtx.MarkLostAfterTimeout(0, Simulation.Now);
        }
        else
        {
            _rtx.ResegmentLongerThan(CurrentMss());
        }

        if (LostOut == 0)
        {
            return;
        }

        NonCongestionLossRetransmit();
    }

    /// <summary>
    /// tcp_non_congestion_loss_retransmit(): the Loss state without a window reduction or undo
    /// (ssthresh kept as it stands), and the lost segments retransmitted at once.
    /// </summary>
    private void NonCongestionLossRetransmit()
    {
        if (CaState != CaState.Loss)
        {
            _lossCause = RetransmissionCause.NonCongestionLoss;
            _highSeq = SndNxt;
            Window.Ssthresh = CurrentSsthresh();
            _priorSsthresh = 0;
            _undoMarker = null;
            SetCaState(CaState.Loss);
        }

        if (State == TcpState.SynSent)
        {
            // tcp_xmit_retransmit_queue() in SYN-SENT: the SYN goes again; its data, beyond a window
            // not yet opened, waits for the SYN-ACK (__tcp_retransmit_skb()'s -EAGAIN).
            int lost;
            while ((lost = _rtx.FirstLostNotRetransmitted()) >= 0 && RetransmitPacket(lost, CurrentMss()) > 0)
            {
            }

            ArmRetransmitTimer();
            return;
        }

        PushPendingFrames();
    }
}
