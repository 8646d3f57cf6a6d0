using NetSim.Sim.Network;
using NetSim.Sim.Network.Wire;
using PacketDotNet;
using SimPacket = NetSim.Sim.Network.Packet;

namespace NetSim.Sim.Tests;

/// <summary>The wire encoder writes real IPv4 + TCP bytes: decoded by PacketDotNet, every field and checksum comes back.</summary>
public class WireEncoderTests
{
    internal static (IPv4Packet Ip, TcpPacket Tcp) Decode(byte[] bytes)
    {
        var ip = PacketDotNet.Packet.ParsePacket(LinkLayers.Raw, bytes).Extract<IPv4Packet>();
        return (ip, ip.Extract<TcpPacket>());
    }

    [Fact]
    public void ASynWithItsMssOptionRoundTrips()
    {
        var syn = new PacketPool().Rent();
        syn.Source = Ipv4Address.Parse("10.0.0.1");
        syn.Destination = Ipv4Address.Parse("10.0.0.2");
        syn.SourcePort = 40000;
        syn.DestinationPort = 5001;
        syn.SequenceNumber = 0xFFFF_FFF0;
        syn.Flags = TcpFlags.Syn;
        syn.Window = 65535;
        syn.MssOption = 1460;
        syn.IpId = 77;

        var bytes = WireEncoder.Encode(syn);
        var (ip, tcp) = Decode(bytes);

        Assert.Equal(syn.SizeBytes, bytes.Length);
        Assert.True(ip.ValidIPChecksum);
        Assert.True(tcp.ValidTcpChecksum);
        Assert.Equal(("10.0.0.1", "10.0.0.2", 64, (ushort)77), (ip.SourceAddress.ToString(), ip.DestinationAddress.ToString(), ip.TimeToLive, ip.Id));
        Assert.Equal((40000, 5001, 0xFFFF_FFF0u), (tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber));
        Assert.True(tcp.Synchronize);
        Assert.False(tcp.Acknowledgment);
        Assert.Equal(new byte[] { 2, 4, 0x05, 0xB4 }, tcp.Options);
    }

    [Fact]
    public void ACorruptedSegmentIsWrittenWithAFailingTcpChecksum()
    {
        var data = new PacketPool().Rent();
        data.Source = Ipv4Address.Parse("10.0.0.1");
        data.Destination = Ipv4Address.Parse("10.0.0.2");
        data.Flags = TcpFlags.Ack;
        data.PayloadLength = 100;
        data.Corrupted = true;

        var (ip, tcp) = Decode(WireEncoder.Encode(data));

        Assert.True(ip.ValidIPChecksum);
        Assert.False(tcp.ValidTcpChecksum);
    }

    [Fact]
    public void ADataSegmentCarriesItsPayloadAndTosWithTheEcnField()
    {
        var data = new PacketPool().Rent();
        data.Source = Ipv4Address.Parse("10.0.0.1");
        data.Destination = Ipv4Address.Parse("10.0.0.2");
        data.SourcePort = 40000;
        data.DestinationPort = 5001;
        data.SequenceNumber = 1001;
        data.AcknowledgmentNumber = 7;
        data.Flags = TcpFlags.Ack | TcpFlags.Psh;
        data.Window = 1234;
        data.PayloadLength = 1460;
        data.StreamOffset = 1000;
        data.Ecn = EcnCodepoint.Ce;
        data.Tos = 0xB8;

        var (ip, tcp) = Decode(WireEncoder.Encode(data));

        Assert.True(tcp.ValidTcpChecksum);
        Assert.Equal(1500, ip.TotalLength);
        Assert.Equal(0xB8 | (int)EcnCodepoint.Ce, ip.TypeOfService);
        Assert.Equal((7u, (ushort)1234, true, true), (tcp.AcknowledgmentNumber, tcp.WindowSize, tcp.Acknowledgment, tcp.Push));
        Assert.Equal(1460, tcp.PayloadData.Length);
        Assert.Equal(WireEncoder.PayloadByte(1000), tcp.PayloadData[0]);
        Assert.Equal(WireEncoder.PayloadByte(2459), tcp.PayloadData[^1]);
    }
}

public class WireEncoderOptionTests
{
    [Fact]
    public void ASynCarriesItsOptionsInLinuxOrder()
    {
        var syn = new PacketPool().Rent();
        syn.Source = Ipv4Address.Parse("10.0.0.1");
        syn.Destination = Ipv4Address.Parse("10.0.0.2");
        syn.Flags = TcpFlags.Syn;
        syn.MssOption = 1460;
        syn.HasTimestamps = true;
        syn.TsVal = 0x01020304;
        syn.TsEcr = 0;
        syn.WindowScaleOption = 7;

        var ip = PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Raw, WireEncoder.Encode(syn)).Extract<PacketDotNet.IPv4Packet>();
        var tcp = ip.Extract<PacketDotNet.TcpPacket>();

        // <mss 1460,nop,nop,TS val 16909060 ecr 0,nop,wscale 7>, as tcp_options_write() lays them out without SACK.
        Assert.Equal(new byte[] { 2, 4, 0x05, 0xB4, 1, 1, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7 }, tcp.Options);
        Assert.Equal(60, ip.TotalLength);
        Assert.True(tcp.ValidTcpChecksum);
    }

    /// <summary>RFC 7413 §4.1.1: kind 34, its length, the cookie, and two NOPs to a word (tcp_options_write()); the experimental kind 254 carries magic 0xF989 and needs none.</summary>
    [Theory]
    [InlineData(false, new byte[] { 2, 4, 0x05, 0xB4, 1, 1, 4, 2, 34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1 })]
    [InlineData(true, new byte[] { 2, 4, 0x05, 0xB4, 1, 1, 4, 2, 254, 12, 0xF9, 0x89, 1, 2, 3, 4, 5, 6, 7, 8 })]
    public void AFastOpenCookieIsLaidOutAsLinuxWritesIt(bool experimental, byte[] options)
    {
        var synAck = new PacketPool().Rent();
        synAck.Source = Ipv4Address.Parse("10.0.0.2");
        synAck.Destination = Ipv4Address.Parse("10.0.0.1");
        synAck.Flags = TcpFlags.Syn | TcpFlags.Ack;
        synAck.MssOption = 1460;
        synAck.SackPermitted = true;
        synAck.FastOpen = new FastOpenOption([1, 2, 3, 4, 5, 6, 7, 8], experimental);

        var ip = PacketDotNet.Packet.ParsePacket(PacketDotNet.LinkLayers.Raw, WireEncoder.Encode(synAck)).Extract<PacketDotNet.IPv4Packet>();
        var tcp = ip.Extract<PacketDotNet.TcpPacket>();

        Assert.Equal(options, tcp.Options);
        Assert.Equal(synAck.TcpOptionsLength, options.Length);
        Assert.True(tcp.ValidTcpChecksum);
    }

    /// <summary>RFC 792 and RFC 1191 §4: type 3 code 4 with the next-hop MTU, then the quoted IPv4 header and the TCP ports and sequence number.</summary>
    [Fact]
    public void AFragmentationNeededCarriesTheNextHopMtuAndQuotesTheSegment()
    {
        var pool = new PacketPool();
        var segment = pool.Rent();
        segment.Source = Ipv4Address.Parse("10.0.0.1");
        segment.Destination = Ipv4Address.Parse("10.0.0.2");
        segment.SourcePort = 40000;
        segment.DestinationPort = 5001;
        segment.SequenceNumber = 0x01020304;
        segment.PayloadLength = 1460;
        var error = pool.Rent();
        error.Source = Ipv4Address.Parse("10.255.0.1");
        error.Destination = segment.Source;
        error.Icmp = Network.Icmp.IcmpMessage.About(Network.Icmp.IcmpType.DestinationUnreachable, 4, 1000, segment);

        var bytes = WireEncoder.Encode(error);
        var ip = PacketDotNet.Packet.ParsePacket(LinkLayers.Raw, bytes).Extract<IPv4Packet>();
        var icmp = bytes[20..];

        Assert.Equal(576, bytes.Length);
        Assert.True(ip.ValidIPChecksum);
        Assert.Equal(ProtocolType.Icmp, ip.Protocol);
        Assert.Equal((3, 4, 1000), (icmp[0], icmp[1], (icmp[6] << 8) | icmp[7]));
        Assert.Equal(0xFFFF, OnesComplementSum(icmp));
        var quoted = icmp.AsSpan(8);
        Assert.Equal(0xFFFF, OnesComplementSum(quoted[..20].ToArray()));
        Assert.Equal((1500, 6), ((quoted[2] << 8) | quoted[3], (int)quoted[9]));
        Assert.Equal(new byte[] { 10, 0, 0, 1, 10, 0, 0, 2, 0x9C, 0x40, 0x13, 0x89, 1, 2, 3, 4 }, quoted[12..28].ToArray());
    }

    private static int OnesComplementSum(byte[] data)
    {
        var sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2)
        {
            sum += (data[i] << 8) | data[i + 1];
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return sum;
    }

    private static SimPacket AccEcnAck(int fields, int alignedBytes, int sackBlocks)
    {
        var ack = new PacketPool().Rent();
        ack.Source = Ipv4Address.Parse("10.0.0.2");
        ack.Destination = Ipv4Address.Parse("10.0.0.1");
        ack.Flags = TcpFlags.Ack | TcpFlags.Ae | TcpFlags.Ece;
        ack.HasTimestamps = true;
        ack.TsVal = 7;
        ack.HasAccEcn = true;
        (ack.AccEcn.Order1, ack.AccEcn.FieldCount, ack.AccEcn.AlignedBytes) = (true, fields, alignedBytes);
        (ack.AccEcn.E1b, ack.AccEcn.Ceb, ack.AccEcn.E0b) = (0x0103E9, 1000, 1);
        for (var i = 0; i < sackBlocks; i++)
        {
            ack.AddSackBlock(new SackBlock((uint)(1000 * (i + 1)), (uint)((1000 * (i + 1)) + 500)));
        }

        return ack;
    }

    /// <summary>
    /// RFC 9768 §3.2.3: kind 174 lists ECT(1), CE, ECT(0) bytes, 24 bits each; AE is the bit
    /// before CWR (the low bit of the data offset byte).
    /// </summary>
    [Fact]
    public void TheAccurateEcnOptionAndTheAeFlagAreWrittenAsOnTheWire()
    {
        var ack = AccEcnAck(fields: 3, alignedBytes: 12, sackBlocks: 0);

        var bytes = WireEncoder.Encode(ack);
        var (_, tcp) = WireEncoderTests.Decode(bytes);

        Assert.Equal(ack.SizeBytes, bytes.Length);
        Assert.True(tcp.ValidTcpChecksum);
        Assert.Equal(1, bytes[SimPacket.Ipv4HeaderBytes + 12] & 1);
        Assert.Equal(new byte[] { 174, 11, 0x01, 0x03, 0xE9, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x01, 1 }, tcp.Options.Skip(12).ToArray());
    }

    /// <summary>
    /// tcp_options_write(): an option of one field, its length rounded down to four bytes, puts
    /// its fifth byte where the SACK option's first NOP would be; with two fields it needs no padding.
    /// </summary>
    [Theory]
    [InlineData(1, 4, new byte[] { 174, 5, 0x01, 0x03, 0xE9, 1, 5, 10 })]
    [InlineData(2, 8, new byte[] { 174, 8, 0x01, 0x03, 0xE9, 0x00, 0x03, 0xE8, 1, 1, 5, 10 })]
    public void ALeftoverByteTakesThePlaceOfTheNextOptionsNop(int fields, int alignedBytes, byte[] expected)
    {
        var ack = AccEcnAck(fields, alignedBytes, sackBlocks: 1);

        var bytes = WireEncoder.Encode(ack);
        var (_, tcp) = WireEncoderTests.Decode(bytes);

        Assert.Equal(ack.SizeBytes, bytes.Length);
        Assert.Equal(expected, tcp.Options.Skip(12).Take(expected.Length).ToArray());
    }
}
