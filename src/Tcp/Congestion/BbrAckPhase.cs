namespace NetSim.Tcp.Congestion;

/// <summary>How BBRv3 reads the ACKs arriving now relative to its bandwidth probing (enum bbr_ack_phase).</summary>
public enum BbrAckPhase
{
    /// <summary>Not probing, and no feedback from a probe.</summary>
    Init,

    /// <summary>Sending at the estimated bandwidth to fill the pipe.</summary>
    Refilling,

    /// <summary>Inflight rising to probe.</summary>
    ProbeStarting,

    /// <summary>ACKs carry feedback from the probe.</summary>
    ProbeFeedback,

    /// <summary>Probing stopped; its feedback still arrives.</summary>
    ProbeStopping,
}
