namespace NetSim.Tcp.Congestion;

/// <summary>What has been seen of the peer's Accurate ECN option (Linux tp->saw_accecn_opt, TCP_INFO's tcpi_accecn_opt_seen).</summary>
public enum AccEcnOptionSeen : byte
{
    /// <summary>None yet (TCP_ACCECN_OPT_NOT_SEEN).</summary>
    NotSeen = 0,

    /// <summary>An option without counters (TCP_ACCECN_OPT_EMPTY_SEEN).</summary>
    Empty = 1,

    /// <summary>An option with counters (TCP_ACCECN_OPT_COUNTER_SEEN).</summary>
    Counters = 2,

    /// <summary>An option whose first ECT counter was zero: zeroed by a middlebox (TCP_ACCECN_OPT_FAIL_SEEN).</summary>
    Failed = 3,
}
