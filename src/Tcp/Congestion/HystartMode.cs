namespace NetSim.Tcp.Congestion;

/// <summary>How CUBIC leaves its first slow start before a loss.</summary>
public enum HystartMode
{
    /// <summary>Linux's HyStart (tcp_cubic.c hystart = 1, hystart_detect = 3): ACK trains and delay increase.</summary>
    Classic,

    /// <summary>HyStart++ (RFC 9406), with Conservative Slow Start.</summary>
    PlusPlus,

    /// <summary>Plain slow start until the first loss.</summary>
    Off,
}
