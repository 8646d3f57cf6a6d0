namespace NetSim.Tcp.Congestion;

/// <summary>The smallest and largest RTT of a round trip, in microseconds, zero while there is none (tcp_cdg.c's struct minmax).</summary>
internal struct RttRange
{
    public int Min;
    public int Max;

    /// <summary>No sample yet (minmax.v64 == 0).</summary>
    public readonly bool IsEmpty => Min == 0 && Max == 0;
}
