namespace NetSim.Tcp.Congestion;

/// <summary>
/// A connection's ECN state (Linux tp->ecn_flags, include/net/tcp.h), as sock_ops reads it. The
/// feedback mode is two bits: <see cref="Ok"/> alone is RFC 3168, <see cref="AccEcn"/> alone
/// Accurate ECN, both together an Accurate ECN request awaiting its answer (TCP_ECN_MODE_PENDING),
/// neither ECN off. BBRv3's out-of-tree bits follow Linux's.
/// </summary>
[Flags]
public enum EcnFlags : byte
{
    None = 0,

    /// <summary>RFC 3168 ECN was negotiated in the handshake (TCP_ECN_MODE_RFC3168, once TCP_ECN_OK, RFC 3168 §6.1.1).</summary>
    Ok = 1,

    /// <summary>The window was reduced: the next new data segment carries CWR (TCP_ECN_QUEUE_CWR).</summary>
    QueueCwr = 2,

    /// <summary>CE arrived: ACKs carry ECE until a CWR arrives (TCP_ECN_DEMAND_CWR).</summary>
    DemandCwr = 4,

    /// <summary>An ECN-capable segment has been received (TCP_ECN_SEEN).</summary>
    Seen = 8,

    /// <summary>Accurate ECN feedback (TCP_ECN_MODE_ACCECN, RFC 9768).</summary>
    AccEcn = 16,

    /// <summary>The route marks CE at a shallow threshold (the ecn_low route feature; BBRv3's TCP_ECN_LOW).</summary>
    Low = 32,

    /// <summary>ECT on every packet, retransmissions and pure ACKs too (BBRv3's TCP_ECN_ECT_PERMANENT).</summary>
    EctPermanent = 64,
}
