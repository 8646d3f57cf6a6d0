using System.Buffers.Binary;
using NetSim.Sim.Network.Wire;
using PacketDotNet;

namespace NetSim.Scenarios.Tests;

/// <summary>Packet captures named in a scenario: one file per link or per host, every packet decodable with valid checksums.</summary>
public sealed class CaptureTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private const string Scenario = """
        name: capture
        duration: 10s
        hosts: [a, b]
        routers: [r]
        links:
          - { between: [a, r], rate: 10Mbps, delay: 5ms }
          - { between: [r, b], rate: 10Mbps, delay: 5ms, loss: { forward: { type: scheduled, drop: [30, 31] } } }
        flows:
          - { name: f, from: a, to: b, app: { type: bulk, bytes: 200KB } }
        pcap: { links: [r-b], hosts: [a] }
        """;

    private static List<byte[]> ReadPackets(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var packets = new List<byte[]>();
        for (var offset = 24; offset < bytes.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 8));
            packets.Add(bytes[(offset + 16)..(offset + 16 + length)]);
            offset += 16 + length;
        }

        return packets;
    }

    [Fact]
    public void LinkAndHostCapturesHoldEveryPacketWithValidChecksums()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(Scenario, "capture.yaml"), _temporary.Path);

        Assert.Contains("pcap/link-r-b.pcap", result.Files);
        Assert.Contains("pcap/host-a.pcap", result.Files);
        var link = ReadPackets(Path.Combine(_temporary.Path, "pcap", "link-r-b.pcap"));
        var linkRows = result.Links.Where(l => l.Link is "r->b" or "b->r").Sum(l => l.PacketsTransmitted);
        Assert.Equal(linkRows, link.Count);

        var host = ReadPackets(Path.Combine(_temporary.Path, "pcap", "host-a.pcap"));
        var sent = result.Links.Single(l => l.Link == "a->r").PacketsTransmitted;
        var received = result.Links.Single(l => l.Link == "r->a").PacketsTransmitted;
        Assert.Equal(sent + received, host.Count);

        foreach (var bytes in link.Concat(host))
        {
            var ip = PacketDotNet.Packet.ParsePacket(LinkLayers.Raw, bytes).Extract<IPv4Packet>();
            Assert.True(ip.ValidIPChecksum);
            Assert.True(ip.Extract<TcpPacket>().ValidTcpChecksum);
        }
    }

    [Fact]
    public void TheSendersCaptureShowsEachRetransmissionAsASegmentBelowTheHighestSent()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(Scenario, "capture.yaml"), _temporary.Path);
        var flow = Assert.Single(result.Flows);
        Assert.Equal(2, flow.Retransmissions);

        uint highest = 0;
        uint? isn = null;
        var repeats = 0;
        foreach (var bytes in ReadPackets(Path.Combine(_temporary.Path, "pcap", "host-a.pcap")))
        {
            var ip = PacketDotNet.Packet.ParsePacket(LinkLayers.Raw, bytes).Extract<IPv4Packet>();
            var tcp = ip.Extract<TcpPacket>();
            if (ip.SourceAddress.ToString() != "10.0.0.1")
            {
                continue;
            }

            if (tcp.Synchronize)
            {
                isn = tcp.SequenceNumber;
            }

            if (tcp.PayloadData is not { Length: > 0 } payload)
            {
                continue;
            }

            // Every transmission of a byte carries the byte written at its stream offset.
            var offset = (long)(uint)(tcp.SequenceNumber - isn!.Value - 1);
            Assert.Equal(WireEncoder.PayloadByte(offset), payload[0]);
            Assert.Equal(WireEncoder.PayloadByte(offset + payload.Length - 1), payload[^1]);

            var end = tcp.SequenceNumber + (uint)payload.Length;
            if (highest != 0 && (int)(end - highest) <= 0)
            {
                repeats++;
            }

            highest = highest == 0 || (int)(end - highest) > 0 ? end : highest;
        }

        Assert.Equal(flow.Retransmissions, repeats);
    }
}
