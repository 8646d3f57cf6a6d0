namespace NetSim.Tcp.Congestion;

/// <summary>BBRv3's ProbeBw phases (enum bbr_pacing_gain_phase in google/bbr's tcp_bbr.c; the draft's ProbeBW_* states).</summary>
public enum BbrProbeBwPhase
{
    /// <summary>Push inflight up to probe for bandwidth, pacing gain 1.25.</summary>
    Up,

    /// <summary>Drain the queue the probe built, pacing gain 0.91.</summary>
    Down,

    /// <summary>Use the pipe with headroom, pacing gain 1.</summary>
    Cruise,

    /// <summary>Refill the pipe for one round at gain 1 before probing.</summary>
    Refill,
}
