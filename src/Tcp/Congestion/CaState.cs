namespace NetSim.Tcp.Congestion;

/// <summary>The sender's congestion-avoidance state (Linux enum tcp_ca_state, include/net/tcp.h).</summary>
public enum CaState
{
    /// <summary>Nothing unusual: ACKs advance snd_una.</summary>
    Open = 0,

    /// <summary>Duplicate ACKs seen, fewer than the threshold.</summary>
    Disorder = 1,

    /// <summary>Window reduced for ECN or local congestion, no loss.</summary>
    Cwr = 2,

    /// <summary>Fast recovery after fast retransmit (RFC 5681 §3.2, RFC 6582).</summary>
    Recovery = 3,

    /// <summary>After a retransmission timeout, until everything sent before it is acknowledged.</summary>
    Loss = 4,
}
