namespace NetSim.Tcp.Congestion;

/// <summary>A connection's ECN state (Linux tp->ecn_flags, include/net/tcp.h), as sock_ops reads it.</summary>
[Flags]
public enum EcnFlags : byte
{
    None = 0,

    /// <summary>ECN was negotiated in the handshake (TCP_ECN_OK, RFC 3168 §6.1.1).</summary>
    Ok = 1,

    /// <summary>The window was reduced: the next new data segment carries CWR (TCP_ECN_QUEUE_CWR).</summary>
    QueueCwr = 2,

    /// <summary>CE arrived: ACKs carry ECE until a CWR arrives (TCP_ECN_DEMAND_CWR).</summary>
    DemandCwr = 4,

    /// <summary>An ECN-capable segment has been received (TCP_ECN_SEEN).</summary>
    Seen = 8,

    /// <summary>The route marks CE at a shallow threshold (the ecn_low route feature; BBRv3's TCP_ECN_LOW).</summary>
    Low = 16,

    /// <summary>ECT on every packet, retransmissions and pure ACKs too (BBRv3's TCP_ECN_ECT_PERMANENT).</summary>
    EctPermanent = 32,
}
