namespace NetSim.Tcp.Congestion;

/// <summary>BBR's state machine (Linux enum bbr_mode, net/ipv4/tcp_bbr.c).</summary>
public enum BbrMode
{
    /// <summary>Ramp up sending rate rapidly to fill the pipe.</summary>
    Startup,

    /// <summary>Drain the queue Startup created.</summary>
    Drain,

    /// <summary>Discover and share bandwidth: pace around the estimated bandwidth, cycling the gain.</summary>
    ProbeBw,

    /// <summary>Cut inflight to four segments to measure the minimum RTT afresh.</summary>
    ProbeRtt,
}
