namespace NetSim.Sim.Network;

/// <summary>
/// Counters of one direction of a link, updated as packets pass. A struct held inside its channel,
/// so counting a packet touches memory the channel's own fields already brought into cache.
/// </summary>
public struct LinkChannelStatistics
{
    public long PacketsEnqueued { get; internal set; }
    public long PacketsTransmitted { get; internal set; }
    public long BytesTransmitted { get; internal set; }
    public long PacketsDelivered { get; internal set; }

    /// <summary>Packets the queue discipline dropped, for any reason.</summary>
    public long QueueDrops { get; internal set; }

    /// <summary>Packets the queue discipline marked CE instead of dropping.</summary>
    public long EcnMarks { get; internal set; }

    public long ChannelLosses { get; internal set; }

    /// <summary>Packets refused as larger than the MTU (the router answered with ICMP Fragmentation Needed).</summary>
    public long PacketsTooBig { get; internal set; }
    public long PacketsDuplicated { get; internal set; }

    /// <summary>Packets delivered with bit errors (their checksum fails).</summary>
    public long PacketsCorrupted { get; internal set; }
    public long PacketsReordered { get; internal set; }

    /// <summary>Total time the transmitter was busy serialising packets.</summary>
    public long BusyNanoseconds { get; internal set; }
}
