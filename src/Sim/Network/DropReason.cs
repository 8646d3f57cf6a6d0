namespace NetSim.Sim.Network;

/// <summary>Why a link dropped (or, for AQM, marked) a packet.</summary>
public enum DropReason
{
    /// <summary>The output queue was full on arrival (tail drop).</summary>
    QueueFull,

    /// <summary>RED's probabilistic early drop or mark, between the thresholds.</summary>
    RedEarly,

    /// <summary>RED's forced drop or mark, above the maximum threshold (twice it when gentle).</summary>
    RedForced,

    /// <summary>CoDel's control law: the sojourn time stayed above target for an interval.</summary>
    CoDel,

    /// <summary>PIE's random early drop or mark, by the probability its controller keeps (RFC 8033 §4.1).</summary>
    PieEarly,

    /// <summary>FQ-CoDel's overflow drop from the head of the fattest flow.</summary>
    FqCoDelOverflow,

    /// <summary>Step marking: the queue held more than its threshold K (DCTCP's marking, RFC 8257 §3.1).</summary>
    Threshold,

    /// <summary>The loss model lost it on the wire.</summary>
    ChannelLoss,

    /// <summary>Larger than the link's MTU with DF set: the router dropped it and sent ICMP Fragmentation Needed (RFC 1191 §4).</summary>
    TooBig,
}
