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

    /// <summary>
    /// A loss that says nothing of congestion, resent without a window reduction
    /// (tcp_non_congestion_loss_retransmit()): segments too big for a path MTU an ICMP message
    /// reported (RFC 1191), or Fast Open SYN data the SYN-ACK left unacknowledged.
    /// </summary>
    NonCongestionLoss,
}
