namespace NetSim.Tcp.Congestion;

/// <summary>
/// A congestion-control algorithm, shaped like Linux's struct tcp_congestion_ops so that kernel
/// modules port method by method. The optional operations do nothing unless implemented.
/// </summary>
public interface ICongestionControl
{
    /// <summary>The algorithm's name as TCP_CONGESTION takes it.</summary>
    string Name { get; }

    /// <summary>The algorithm needs ECN on every connection and ECT on every packet (TCP_CONG_NEEDS_ECN).</summary>
    bool NeedsEcn => false;

    /// <summary>The receiver tells the algorithm of every CE and non-CE arrival (tcp_ca_wants_ce_events(): TCP_CONG_NEEDS_ECN or TCP_CONG_WANTS_CE_EVENTS).</summary>
    bool WantsCeEvents => NeedsEcn;

    /// <summary>The slow-start threshold to use after a loss (ops->ssthresh).</summary>
    uint Ssthresh(CongestionWindow window);

    /// <summary>Grows the window for <paramref name="acked"/> newly acknowledged segments (ops->cong_avoid).</summary>
    void CongestionAvoid(CongestionWindow window, uint acked);

    /// <summary>Notified on every change of the congestion state (ops->set_state).</summary>
    void SetState(CongestionWindow window, CaState state);

    /// <summary>The connection is established and its transfer starts (ops->init, from tcp_init_transfer()).</summary>
    void Init(TcpConnection connection)
    {
    }

    /// <summary>An ACK acknowledged or SACKed segments; <paramref name="rttUs"/> is its RTT sample, or -1 (ops->pkts_acked).</summary>
    void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
    }

    /// <summary>cwnd after a reduction is undone as spurious (ops->undo_cwnd; Linux tcp_reno_undo_cwnd() restores prior_cwnd).</summary>
    uint UndoCwnd(TcpConnection connection) => Math.Max(connection.Window.Cwnd, connection.PriorCwnd);

    /// <summary>A congestion event (ops->cwnd_event).</summary>
    void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
    }

    /// <summary>The scoreboard marked a segment lost; the connection's lost count includes it (ops->skb_marked_lost).</summary>
    void SegmentMarkedLost(TcpConnection connection, in Buffers.SentSegment segment)
    {
    }

    /// <summary>The fewest segments the algorithm wants per TSO packet, or null for the tcp_min_tso_segs sysctl (ops->min_tso_segs).</summary>
    uint? MinTsoSegments(TcpConnection connection) => null;

    /// <summary>ca_ops->sndbuf_expand: how many windows the send buffer grows to hold (tcp_sndbuf_expand()), two unless the algorithm says.</summary>
    uint SendBufferExpansion => 2;

    /// <summary>An ACK was processed, after the segments it acknowledged were counted (ops->in_ack_event).</summary>
    void InAckEvent(TcpConnection connection, CaAckFlags flags)
    {
    }
}
