namespace NetSim.Sim.Network.Icmp;

/// <summary>
/// An ICMP error message (RFC 792) about a TCP segment: its type and code, the next-hop MTU of a
/// Fragmentation Needed (RFC 1191 §4), and the part of the offending packet it quotes, of which the
/// sender's TCP reads the addresses, ports and sequence number to find the connection and check
/// the report is for data in flight (RFC 5927 §4.1). Made only when a node reports an error, and
/// carried by the packet it travels in (<see cref="Packet.Icmp"/>).
/// </summary>
public sealed class IcmpMessage
{
    /// <summary>The ICMP header: type, code, checksum, and the unused or next-hop MTU word.</summary>
    public const int HeaderBytes = 8;

    /// <summary>
    /// Linux icmp_send(): the error packet is at most 576 bytes (RFC 1812 §4.3.2.3), so it quotes the
    /// offending packet up to 548 bytes.
    /// </summary>
    public const int MaxPacketBytes = 576;

    public IcmpMessage(IcmpType type, byte code, int nextHopMtu, Ipv4Address quotedSource, Ipv4Address quotedDestination,
        ushort quotedSourcePort, ushort quotedDestinationPort, uint quotedSequenceNumber, int quotedPacketBytes)
    {
        Type = type;
        Code = code;
        NextHopMtu = nextHopMtu;
        QuotedSource = quotedSource;
        QuotedDestination = quotedDestination;
        QuotedSourcePort = quotedSourcePort;
        QuotedDestinationPort = quotedDestinationPort;
        QuotedSequenceNumber = quotedSequenceNumber;
        QuotedPacketBytes = quotedPacketBytes;
        QuotedBytes = Math.Min(quotedPacketBytes, MaxPacketBytes - Packet.Ipv4HeaderBytes - HeaderBytes);
    }

    /// <summary>An error about <paramref name="offending"/>, quoting as much of it as fits.</summary>
    public static IcmpMessage About(IcmpType type, byte code, int nextHopMtu, Packet offending) =>
        new(type, code, nextHopMtu, offending.Source, offending.Destination, offending.SourcePort, offending.DestinationPort,
            offending.SequenceNumber, offending.SizeBytes);

    public IcmpType Type { get; }

    public byte Code { get; }

    /// <summary>The next hop's MTU a Fragmentation Needed reports; 0 otherwise.</summary>
    public int NextHopMtu { get; }

    public Ipv4Address QuotedSource { get; }

    public Ipv4Address QuotedDestination { get; }

    public ushort QuotedSourcePort { get; }

    public ushort QuotedDestinationPort { get; }

    public uint QuotedSequenceNumber { get; }

    /// <summary>The offending packet's size, as its quoted IP header gives it.</summary>
    public int QuotedPacketBytes { get; }

    /// <summary>How much of the offending packet the message carries, its IP header first.</summary>
    public int QuotedBytes { get; }

    /// <summary>Bytes of the ICMP message: header and quote.</summary>
    public int Bytes => HeaderBytes + QuotedBytes;

    public bool IsFragmentationNeeded =>
        Type == IcmpType.DestinationUnreachable && Code == (byte)IcmpUnreachableCode.FragmentationNeeded;

    public override string ToString() =>
        $"icmp {Type} code {Code}{(IsFragmentationNeeded ? $" mtu {NextHopMtu}" : "")} [{QuotedSource}:{QuotedSourcePort} > {QuotedDestination}:{QuotedDestinationPort} seq {QuotedSequenceNumber}]";
}
