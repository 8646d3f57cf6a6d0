using System.Buffers.Binary;
using NetSim.Sim.Kernel;

namespace NetSim.Reports.Pcap;

/// <summary>
/// Writes a classic pcap file with nanosecond timestamps (magic 0xa1b23c4d) and link type
/// LINKTYPE_RAW (101): each record is an IPv4 packet as it would appear on the wire.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    public const uint NanosecondMagic = 0xa1b23c4d;
    public const uint LinkTypeRaw = 101;
    private const int SnapLength = 65535;

    private readonly Stream _stream;
    private readonly byte[] _recordHeader = new byte[16];

    public PcapWriter(string path)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        var header = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, NanosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), LinkTypeRaw);
        _stream.Write(header);
    }

    public long Records { get; private set; }

    public void Write(SimTime time, ReadOnlySpan<byte> packet)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader, (uint)(time.Nanoseconds / 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(4), (uint)(time.Nanoseconds % 1_000_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(8), (uint)packet.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(_recordHeader.AsSpan(12), (uint)packet.Length);
        _stream.Write(_recordHeader);
        _stream.Write(packet);
        Records++;
    }

    public void Dispose() => _stream.Dispose();
}
