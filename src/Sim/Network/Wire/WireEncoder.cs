using System.Net;
using PacketDotNet;
using PacketDotNet.Utils;
using SimPacket = NetSim.Sim.Network.Packet;

namespace NetSim.Sim.Network.Wire;

/// <summary>
/// Writes a simulated packet as the real IPv4 + TCP bytes it stands for (RFC 791, RFC 9293 §3.1),
/// options included, with correct checksums, using PacketDotNet. Payload bytes, which the
/// simulator only implies, are a fixed function of the stream offset, so a retransmission carries
/// the same bytes as the original. Not for hot paths: it allocates.
/// </summary>
public static class WireEncoder
{
    private const byte OptionEnd = 0;
    private const byte OptionNop = 1;
    private const byte OptionMss = 2;
    private const byte OptionWindowScale = 3;
    private const byte OptionTimestamps = 8;

    /// <summary>The payload byte at stream offset <paramref name="offset"/>.</summary>
    public static byte PayloadByte(long offset) => (byte)(offset * 131 + 7);

    public static byte[] Encode(SimPacket packet)
    {
        var options = Options(packet);
        var header = new byte[SimPacket.TcpHeaderBytes + options.Length];
        header[12] = (byte)((header.Length / 4) << 4);
        var tcp = new TcpPacket(new ByteArraySegment(header))
        {
            SourcePort = packet.SourcePort,
            DestinationPort = packet.DestinationPort,
            SequenceNumber = packet.SequenceNumber,
            AcknowledgmentNumber = packet.AcknowledgmentNumber,
            Flags = (byte)packet.Flags,
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
            TypeOfService = (byte)packet.Ecn,

            // Don't Fragment, as Linux sets it on TCP with path MTU discovery.
            FragmentFlags = 0b010,
            PayloadPacket = tcp,
        };
        ip.UpdateCalculatedValues();
        tcp.UpdateTcpChecksum();
        ip.UpdateIPChecksum();
        return ip.Bytes;
    }

    /// <summary>The TCP options of the segment in Linux's order (tcp_options_write()), padded to a multiple of four bytes (RFC 9293 §3.2).</summary>
    private static byte[] Options(SimPacket packet)
    {
        var options = new List<byte>();
        if (packet.MssOption != 0)
        {
            options.AddRange([OptionMss, 4, (byte)(packet.MssOption >> 8), (byte)packet.MssOption]);
        }

        if (packet.HasTimestamps)
        {
            options.AddRange([OptionNop, OptionNop, OptionTimestamps, 10]);
            options.AddRange([(byte)(packet.TsVal >> 24), (byte)(packet.TsVal >> 16), (byte)(packet.TsVal >> 8), (byte)packet.TsVal]);
            options.AddRange([(byte)(packet.TsEcr >> 24), (byte)(packet.TsEcr >> 16), (byte)(packet.TsEcr >> 8), (byte)packet.TsEcr]);
        }

        if (packet.WindowScaleOption >= 0)
        {
            options.AddRange([OptionNop, OptionWindowScale, 3, (byte)packet.WindowScaleOption]);
        }

        while (options.Count % 4 != 0)
        {
            options.Add(OptionEnd);
        }

        return [.. options];
    }

    private static IPAddress Address(Ipv4Address address) => new([(byte)(address.Value >> 24), (byte)(address.Value >> 16), (byte)(address.Value >> 8), (byte)address.Value]);
}
