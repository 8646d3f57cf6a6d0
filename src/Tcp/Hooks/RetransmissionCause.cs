namespace NetSim.Tcp.Hooks;

/// <summary>What made the sender retransmit a segment.</summary>
public enum RetransmissionCause
{
    /// <summary>Loss recovery after duplicate ACKs (RFC 5681 §3.2, RFC 6582 partial ACKs).</summary>
    FastRetransmit,

    /// <summary>The retransmission timer expired (RFC 6298 §5.4), including the go-back-N resends after it.</summary>
    Timeout,

    /// <summary>A SYN or SYN-ACK whose timer expired.</summary>
    Handshake,

    /// <summary>A tail loss probe resending the last segment (RFC 8985 §7).</summary>
    LossProbe,
}
