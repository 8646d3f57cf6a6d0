using System.Buffers.Binary;
using NetSim.Reports.Pcap;
using NetSim.Sim.Kernel;

namespace NetSim.Reports.Tests;

public sealed class PcapWriterTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"netsim-{Guid.NewGuid():N}.pcap");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void TheFileIsNanosecondPcapOfRawIpv4Packets()
    {
        using (var writer = new PcapWriter(_path))
        {
            writer.Write(SimTime.FromNanoseconds(1_500_000_123), new byte[] { 0x45, 1, 2 });
            writer.Write(SimTime.FromSeconds(3), new byte[] { 0x45 });
            Assert.Equal(2, writer.Records);
        }

        var bytes = File.ReadAllBytes(_path);
        Assert.Equal(0xa1b23c4du, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal((2, 4), (BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)), BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6))));
        Assert.Equal(101u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20)));

        // First record: 1 s and 500,000,123 ns, three bytes captured of three.
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(500_000_123u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(28)));
        Assert.Equal((3u, 3u), (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(32)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(36))));
        Assert.Equal(new byte[] { 0x45, 1, 2 }, bytes[40..43]);
        Assert.Equal(24 + 16 + 3 + 16 + 1, bytes.Length);
    }
}
