using NetSim.Sim.Network.Icmp;

namespace NetSim.Sim.Network.Wire;

/// <summary>
/// The ICMP message of an error packet as bytes (RFC 792): type, code, checksum, the next-hop MTU of
/// a Fragmentation Needed (RFC 1191 §4), then the quoted packet: its IPv4 header and its TCP
/// header's first eight bytes (ports and sequence number), the rest of the quote zeros, as the
/// simulator does not keep what followed.
/// </summary>
internal static class IcmpWireEncoder
{
    public static byte[] Encode(IcmpMessage icmp)
    {
        var bytes = new byte[icmp.Bytes];
        bytes[0] = (byte)icmp.Type;
        bytes[1] = icmp.Code;
        if (icmp.IsFragmentationNeeded)
        {
            bytes[6] = (byte)(icmp.NextHopMtu >> 8);
            bytes[7] = (byte)icmp.NextHopMtu;
        }

        var quote = bytes.AsSpan(IcmpMessage.HeaderBytes);
        Span<byte> header = stackalloc byte[Packet.Ipv4HeaderBytes + 8];
        header[0] = 0x45;
        header[2] = (byte)(icmp.QuotedPacketBytes >> 8);
        header[3] = (byte)icmp.QuotedPacketBytes;
        header[6] = 0x40;
        header[8] = 64;
        header[9] = 6;
        Word(header[12..], icmp.QuotedSource.Value);
        Word(header[16..], icmp.QuotedDestination.Value);
        var ipChecksum = Checksum(header[..Packet.Ipv4HeaderBytes]);
        header[10] = (byte)(ipChecksum >> 8);
        header[11] = (byte)ipChecksum;
        header[20] = (byte)(icmp.QuotedSourcePort >> 8);
        header[21] = (byte)icmp.QuotedSourcePort;
        header[22] = (byte)(icmp.QuotedDestinationPort >> 8);
        header[23] = (byte)icmp.QuotedDestinationPort;
        Word(header[24..], icmp.QuotedSequenceNumber);
        header[..Math.Min(header.Length, quote.Length)].CopyTo(quote);

        var checksum = Checksum(bytes);
        bytes[2] = (byte)(checksum >> 8);
        bytes[3] = (byte)checksum;
        return bytes;
    }

    private static void Word(Span<byte> to, uint value)
    {
        to[0] = (byte)(value >> 24);
        to[1] = (byte)(value >> 16);
        to[2] = (byte)(value >> 8);
        to[3] = (byte)value;
    }

    /// <summary>The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit words.</summary>
    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (data.Length % 2 == 1)
        {
            sum += (uint)(data[^1] << 8);
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
