namespace NetSim.Sim.Network.Icmp;

/// <summary>Destination Unreachable codes (RFC 792, RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1), as Linux numbers them up to NR_ICMP_UNREACH.</summary>
public enum IcmpUnreachableCode : byte
{
    NetUnreachable = 0,
    HostUnreachable = 1,
    ProtocolUnreachable = 2,
    PortUnreachable = 3,

    /// <summary>Fragmentation needed and DF set, with the next hop's MTU (RFC 1191 §4).</summary>
    FragmentationNeeded = 4,
    SourceRouteFailed = 5,
    NetUnknown = 6,
    HostUnknown = 7,
    HostIsolated = 8,
    NetProhibited = 9,
    HostProhibited = 10,
    NetUnreachableForTos = 11,
    HostUnreachableForTos = 12,
    PacketFiltered = 13,
    PrecedenceViolation = 14,
    PrecedenceCutoff = 15,
}
