using NetSim.Sim.Kernel;

namespace NetSim.Tcp;

/// <summary>State the model keeps for its own use that Linux's tcp_get_info() also reports.</summary>
public sealed partial class TcpConnection
{
    /// <summary>tp->rcv_ssthresh: how far the offered window may grow for now.</summary>
    public uint ReceiveSsthresh => _rcvSsthresh;

    /// <summary>tp->total_rto: retransmission timeouts over the connection's life.</summary>
    public int TotalRto => _totalRto;

    /// <summary>tp->total_rto_recoveries: recoveries a retransmission timeout started.</summary>
    public int TotalRtoRecoveries { get; private set; }

    /// <summary>
    /// tp->total_rto_time, as tcp_get_info() reports it: the milliseconds spent in recoveries a
    /// timeout started, the one going on counted up to now.
    /// </summary>
    public long TotalRtoTimeMs => _totalRtoTimeMs + (_rtoStamp is { } stamp ? Simulation.Now.Milliseconds - stamp.Milliseconds : 0);

    private long _totalRtoTimeMs;

    /// <summary>tp->rto_stamp: when the recovery a timeout started began; null outside one.</summary>
    private SimTime? _rtoStamp;

    /// <summary>tp->reord_seen: reorderings detected.</summary>
    public int ReorderingSeen => _reorderingSeen;

    /// <summary>tp->timeout_rehash: flow hashes changed at a retransmission timeout (tcpi_rehash; PLB is not modelled).</summary>
    public int TimeoutRehashes { get; private set; }

    /// <summary>
    /// tcp_compute_delivery_rate(): the latest delivery rate sample in bytes per second
    /// (rate_delivered segments of mss_cache over rate_interval_us); 0 before one.
    /// </summary>
    public long DeliveryRateBytesPerSecond =>
        _rate.RateDelivered > 0 && _rate.RateIntervalUs > 0 ? _rate.RateDelivered * Mss * 1_000_000L / _rate.RateIntervalUs : 0;

    /// <summary>icsk_pmtu_cookie: the path MTU the send MSS was last computed from.</summary>
    public int PathMtu => _pmtuCookie;

    /// <summary>icsk_ack.ato: the delayed-ACK timeout in force.</summary>
    public SimTime AckTimeout => _ato;

    /// <summary>tp->rcv_tstamp: the jiffy an ACK last arrived in.</summary>
    public uint LastAckReceivedJiffies => JiffiesAt(_lastAckReceived);
}
