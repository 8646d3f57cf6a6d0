using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;
using SimPacket = NetSim.Sim.Network.Packet;

namespace NetSim.Sim.Network.Wire;

/// <summary>
/// Writes a simulated packet as the real IPv4 + TCP (or ICMP) bytes it stands for (RFC 791, RFC 9293 §3.1),
/// options included, with correct checksums, using PacketDotNet. Payload bytes, which the
/// simulator only implies, are a fixed function of the stream offset, so a retransmission carries
/// the same bytes as the original. Not for hot paths: it allocates.
/// </summary>
public static class WireEncoder
{
    /// <summary>The payload byte at stream offset <paramref name="offset"/>.</summary>
    public static byte PayloadByte(long offset) => (byte)(offset * 131 + 7);

    public static byte[] Encode(SimPacket packet)
    {
        if (packet.Icmp is { } icmp)
        {
            var error = new IPv4Packet(Address(packet.Source), Address(packet.Destination))
            {
                TimeToLive = packet.Ttl,
                Id = packet.IpId,
                Protocol = ProtocolType.Icmp,
                PayloadData = IcmpWireEncoder.Encode(icmp),
            };
            error.UpdateCalculatedValues();
            error.UpdateIPChecksum();
            return error.Bytes;
        }

        var options = Options(packet);
        var header = new byte[SimPacket.TcpHeaderBytes + options.Length];
        header[12] = (byte)((header.Length / 4) << 4);
        var tcp = new TcpPacket(new ByteArraySegment(header))
        {
            SourcePort = packet.SourcePort,
            DestinationPort = packet.DestinationPort,
            SequenceNumber = packet.SequenceNumber,
            AcknowledgmentNumber = packet.AcknowledgmentNumber,
            Flags = (ushort)packet.Flags,
            WindowSize = packet.Window,
        };
        if (options.Length > 0)
        {
            tcp.Options = options;
        }

        var payload = new byte[packet.PayloadLength];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = PayloadByte(packet.StreamOffset + i);
        }

        tcp.PayloadData = payload;
        var ip = new IPv4Packet(Address(packet.Source), Address(packet.Destination))
        {
            TimeToLive = packet.Ttl,
            Id = packet.IpId,
            TypeOfService = (byte)(packet.Tos | (byte)packet.Ecn),

            // Don't Fragment, as Linux sets it on TCP with path MTU discovery.
            FragmentFlags = 0b010,
            PayloadPacket = tcp,
        };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        if (packet.Corrupted)
        {
            tcp.Checksum ^= 0xFFFF;
        }

        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    /// <summary>The TCP header of the segment, options included: what a sock_ops program's skb_data points at.</summary>
    public static byte[] TcpHeader(SimPacket packet)
    {
        var length = SimPacket.TcpHeaderBytes + packet.TcpOptionsLength;
        return Encode(packet).AsSpan(SimPacket.Ipv4HeaderBytes, length).ToArray();
    }

    /// <summary>
    /// The TCP options of the segment in Linux's order (<see cref="TcpOptionLayout"/>), padded to a
    /// multiple of four bytes (RFC 9293 §3.2), then the extra options a sock_ops program wrote.
    /// </summary>
    private static byte[] Options(SimPacket packet)
    {
        var bytes = new List<byte>();
        foreach (var option in TcpOptionLayout.Of(packet))
        {
            switch (option.Kind)
            {
                case TcpOptionKind.Nop:
                    bytes.Add((byte)TcpOptionKind.Nop);
                    break;
                case TcpOptionKind.Mss:
                    bytes.AddRange([(byte)TcpOptionKind.Mss, 4, (byte)(option.Value >> 8), (byte)option.Value]);
                    break;
                case TcpOptionKind.WindowScale:
                    bytes.AddRange([(byte)TcpOptionKind.WindowScale, 3, (byte)option.Value]);
                    break;
                case TcpOptionKind.SackPermitted:
                    bytes.AddRange([(byte)TcpOptionKind.SackPermitted, 2]);
                    break;
                case TcpOptionKind.Timestamps:
                    bytes.AddRange([(byte)TcpOptionKind.Timestamps, 10]);
                    AddWord(bytes, option.Value);
                    AddWord(bytes, option.Echo);
                    break;
                case TcpOptionKind.Sack:
                    bytes.AddRange([(byte)TcpOptionKind.Sack, (byte)(2 + (8 * option.Blocks!.Count))]);
                    foreach (var block in option.Blocks)
                    {
                        AddWord(bytes, block.Start);
                        AddWord(bytes, block.End);
                    }

                    break;
                case TcpOptionKind.AccEcnOrder0 or TcpOptionKind.AccEcnOrder1:
                    bytes.AddRange([(byte)option.Kind, (byte)(2 + (AccEcnOption.FieldBytes * option.Fields!.Count))]);
                    foreach (var field in option.Fields)
                    {
                        bytes.AddRange([(byte)(field >> 16), (byte)(field >> 8), (byte)field]);
                    }

                    break;
                case TcpOptionKind.FastOpen:
                    bytes.AddRange([FastOpenOption.IanaKind, (byte)option.FastOpen!.Length]);
                    bytes.AddRange(option.FastOpen.Cookie);
                    break;
                case TcpOptionKind.Experimental:
                    bytes.AddRange([FastOpenOption.ExperimentalKind, (byte)option.FastOpen!.Length, FastOpenOption.ExperimentalMagic >> 8, FastOpenOption.ExperimentalMagic & 0xFF]);
                    bytes.AddRange(option.FastOpen.Cookie);
                    break;
            }
        }

        while (bytes.Count % 4 != 0)
        {
            bytes.Add((byte)TcpOptionKind.End);
        }

        bytes.AddRange(packet.WrittenExtraOptions);
        return [.. bytes];
    }

    private static void AddWord(List<byte> bytes, uint value) =>
        bytes.AddRange([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);

    private static IPAddress Address(Ipv4Address address) => new([(byte)(address.Value >> 24), (byte)(address.Value >> 16), (byte)(address.Value >> 8), (byte)address.Value]);
}
