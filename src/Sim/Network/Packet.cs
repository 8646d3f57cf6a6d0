using NetSim.Sim.Network.Icmp;

namespace NetSim.Sim.Network;

/// <summary>
/// An IPv4 packet carrying a TCP segment, with the header fields as typed values and the payload
/// as a length only: payload bytes are implied by sequence numbers; or, rarely, an ICMP error
/// about one (<see cref="Icmp"/>). Packets come from a <see cref="PacketPool"/> and go back to it
/// when delivered or dropped.
/// </summary>
public sealed class Packet
{
    public const int Ipv4HeaderBytes = 20;
    public const int TcpHeaderBytes = 20;

    /// <summary>A run-unique identifier, for traces.</summary>
    public long Id { get; set; }

    public Ipv4Address Source { get; set; }
    public Ipv4Address Destination { get; set; }
    public byte Ttl { get; set; }

    /// <summary>The IP identification field, per sending host.</summary>
    public ushort IpId { get; set; }

    public EcnCodepoint Ecn { get; set; }

    /// <summary>The IP TOS byte's DSCP bits (the sender's IP_TOS); the ECN bits are <see cref="Ecn"/>.</summary>
    public byte Tos { get; set; }

    /// <summary>When the packet entered the queue it waits in (for CoDel's sojourn time).</summary>
    public Kernel.SimTime EnqueuedAt { get; set; }

    public ushort SourcePort { get; set; }
    public ushort DestinationPort { get; set; }
    public uint SequenceNumber { get; set; }
    public uint AcknowledgmentNumber { get; set; }
    public TcpFlags Flags { get; set; }
    public ushort Window { get; set; }

    /// <summary>The MSS option (RFC 9293 §3.7.1), or 0 when absent. Only on SYN segments.</summary>
    public ushort MssOption { get; set; }

    /// <summary>The window scale option's shift count (RFC 7323 §2.2), or -1 when absent. Only on SYN segments.</summary>
    public sbyte WindowScaleOption { get; set; } = -1;

    /// <summary>Whether the segment carries the timestamps option (RFC 7323 §3).</summary>
    public bool HasTimestamps { get; set; }

    public uint TsVal { get; set; }

    public uint TsEcr { get; set; }

    /// <summary>The SACK-permitted option (RFC 2018 §2). Only on SYN segments.</summary>
    public bool SackPermitted { get; set; }

    /// <summary>The Fast Open option (RFC 7413) of a SYN or SYN-ACK, or null.</summary>
    public FastOpenOption? FastOpen { get; set; }

    /// <summary>Made the first time this pooled packet carries the option, then reused (the hot path allocates nothing).</summary>
    private AccEcnOption? _accEcn;

    /// <summary>Whether the segment carries the Accurate ECN option (<see cref="AccEcn"/>).</summary>
    public bool HasAccEcn { get; set; }

    /// <summary>The Accurate ECN option's fields; set <see cref="HasAccEcn"/> for them to count.</summary>
    public AccEcnOption AccEcn => _accEcn ??= new AccEcnOption();

    private SackBlockArray _sackBlocks;

    /// <summary>SACK blocks carried (RFC 2018 §3), D-SACK first when there is one (RFC 2883 §4).</summary>
    public int SackBlockCount { get; private set; }

    public SackBlock SackBlockAt(int index) => _sackBlocks[index];

    /// <summary>Appends a SACK block; the sender keeps within the option space (three blocks beside timestamps).</summary>
    public void AddSackBlock(SackBlock block)
    {
        if (SackBlockCount == SackBlockArray.MaxBlocks)
        {
            throw new InvalidOperationException("a TCP segment carries at most four SACK blocks");
        }

        _sackBlocks[SackBlockCount++] = block;
    }

    public int PayloadLength { get; set; }

    /// <summary>
    /// The size of the segments a packet that stands for several was cut from (skb_shinfo()->gso_size,
    /// as a GRO packet or a packetdrill injection under --mss carries it); 0 for one segment.
    /// </summary>
    public ushort GsoSize { get; set; }

    /// <summary>The segments the packet stands for (skb_shinfo(skb)->gso_segs, at least one).</summary>
    public int GsoSegments => GsoSize == 0 || PayloadLength <= GsoSize ? 1 : (PayloadLength + GsoSize - 1) / GsoSize;

    /// <summary>The most option bytes a TCP header holds (MAX_TCP_OPTION_SPACE).</summary>
    public const int MaxOptionBytes = 40;

    /// <summary>Made on first use: most packets never carry a program's options, and 470,000 in flight would hold 30 MB of them.</summary>
    private byte[]? _extraOptions;

    /// <summary>
    /// Option bytes written after the kernel's own (by a sock_ops program's bpf_store_hdr_opt()),
    /// NOP-padded to a multiple of four; the first <see cref="ExtraOptionsLength"/> count.
    /// </summary>
    public Span<byte> ExtraOptions => _extraOptions ??= new byte[MaxOptionBytes];

    public int ExtraOptionsLength { get; set; }

    /// <summary>The option bytes a program wrote: the first <see cref="ExtraOptionsLength"/> of <see cref="ExtraOptions"/>.</summary>
    public ReadOnlySpan<byte> WrittenExtraOptions => ExtraOptionsLength == 0 ? default : _extraOptions.AsSpan(0, ExtraOptionsLength);

    /// <summary>Who hears of this packet's transmit timestamps at its first device (SKBTX_BPF), or null.</summary>
    public ITxTimestampObserver? TxTimestamps { get; set; }

    /// <summary>The key the transmit timestamps report (skb_shinfo(skb)->tskey).</summary>
    public uint TxTimestampKey { get; set; }

    /// <summary>Told when the packet is freed (<see cref="ITransmitCompletion"/>); null when nobody counts it.</summary>
    public ITransmitCompletion? TransmitCompletion { get; set; }

    /// <summary>The bytes of memory its sender charged for it (skb->truesize), given back on completion.</summary>
    public int Truesize { get; set; }

    /// <summary>Tells the sender that charged the packet that it is freed, once.</summary>
    public void CompleteTransmission()
    {
        if (TransmitCompletion is { } owner)
        {
            TransmitCompletion = null;
            owner.OnTransmitCompleted(this);
        }
    }

    /// <summary>The ICMP error this packet carries instead of a TCP segment, or null (a TCP segment).</summary>
    public IcmpMessage? Icmp { get; set; }

    /// <summary>Bit errors on the way: the TCP checksum fails, so the receiver discards the segment (RFC 9293 §3.1).</summary>
    public bool Corrupted { get; set; }

    /// <summary>
    /// The sender's stream offset of the first payload byte, taken from its send-buffer bookkeeping
    /// (not from the sequence number), so the receiver can cross-check that every byte it is given
    /// is the byte the application wrote at that offset.
    /// </summary>
    public long StreamOffset { get; set; }

    /// <summary>
    /// Length of the TCP options in bytes as Linux lays them out (tcp_options_write()): MSS 4,
    /// timestamps 12 (SACK-permitted rides in their NOPs), else NOP NOP SACK-permitted 4, the
    /// Accurate ECN option as aligned, NOP window scale 4, SACK blocks 4 + 8 each, Fast Open padded
    /// to four bytes, and the extra options a sock_ops program wrote.
    /// </summary>
    public int TcpOptionsLength =>
        (MssOption != 0 ? 4 : 0) + (HasTimestamps ? 12 : SackPermitted ? 4 : 0) + (WindowScaleOption >= 0 ? 4 : 0)
        + (FastOpen?.PaddedLength ?? 0) + VariableOptionsLength;

    /// <summary>
    /// The options whose length changes from one segment to the next (SACK blocks, the Accurate
    /// ECN option, what a sock_ops program wrote), which tcp_current_mss() allows for as they stand
    /// when it is asked, and which may have grown by the time a segment sized with it is sent.
    /// </summary>
    public int VariableOptionsLength => SackOptionLength(SackBlockCount) + (HasAccEcn ? AccEcn.AlignedBytes : 0) + ExtraOptionsLength;

    /// <summary>The SACK option with <paramref name="blocks"/> blocks, as Linux writes it: NOP, NOP, kind, length, then 8 bytes a block; none without blocks.</summary>
    public static int SackOptionLength(int blocks) => blocks > 0 ? 4 + (8 * blocks) : 0;

    /// <summary>Bytes of the IP packet on the wire (IP header, TCP header, options, payload; or the ICMP message).</summary>
    public int SizeBytes => Icmp is { } icmp ? Ipv4HeaderBytes + icmp.Bytes : Ipv4HeaderBytes + TcpHeaderBytes + TcpOptionsLength + PayloadLength;

    /// <summary>Sequence space the segment occupies: payload plus one for SYN and one for FIN.</summary>
    public int SequenceLength =>
        PayloadLength + ((Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((Flags & TcpFlags.Fin) != 0 ? 1 : 0);

    public void Reset()
    {
        Id = 0;
        Source = default;
        Destination = default;
        Ttl = 64;
        IpId = 0;
        Ecn = EcnCodepoint.NotEct;
        Tos = 0;
        EnqueuedAt = default;
        SourcePort = 0;
        DestinationPort = 0;
        SequenceNumber = 0;
        AcknowledgmentNumber = 0;
        Flags = TcpFlags.None;
        Window = 0;
        MssOption = 0;
        WindowScaleOption = -1;
        HasTimestamps = false;
        TsVal = 0;
        TsEcr = 0;
        SackPermitted = false;
        FastOpen = null;
        HasAccEcn = false;
        SackBlockCount = 0;
        PayloadLength = 0;
        GsoSize = 0;
        Icmp = null;
        Corrupted = false;
        StreamOffset = 0;
        ExtraOptionsLength = 0;
        TxTimestamps = null;
        TxTimestampKey = 0;
        TransmitCompletion = null;
        Truesize = 0;
    }

    /// <summary>Copies every field into <paramref name="copy"/> (for duplication); the copy keeps its own <see cref="Id"/>.</summary>
    public void CopyTo(Packet copy)
    {
        copy.Source = Source;
        copy.Destination = Destination;
        copy.Ttl = Ttl;
        copy.IpId = IpId;
        copy.Ecn = Ecn;
        copy.Tos = Tos;
        copy.EnqueuedAt = EnqueuedAt;
        copy.SourcePort = SourcePort;
        copy.DestinationPort = DestinationPort;
        copy.SequenceNumber = SequenceNumber;
        copy.AcknowledgmentNumber = AcknowledgmentNumber;
        copy.Flags = Flags;
        copy.GsoSize = GsoSize;
        copy.Window = Window;
        copy.MssOption = MssOption;
        copy.WindowScaleOption = WindowScaleOption;
        copy.HasTimestamps = HasTimestamps;
        copy.TsVal = TsVal;
        copy.TsEcr = TsEcr;
        copy.SackPermitted = SackPermitted;
        copy.FastOpen = FastOpen;
        copy.HasAccEcn = HasAccEcn;
        if (HasAccEcn)
        {
            AccEcn.CopyTo(copy.AccEcn);
        }

        copy._sackBlocks = _sackBlocks;
        copy.SackBlockCount = SackBlockCount;
        copy.PayloadLength = PayloadLength;
        copy.Icmp = Icmp;
        copy.Corrupted = Corrupted;
        copy.StreamOffset = StreamOffset;
        copy.ExtraOptionsLength = ExtraOptionsLength;
        if (ExtraOptionsLength > 0)
        {
            WrittenExtraOptions.CopyTo(copy.ExtraOptions);
        }
    }

    public override string ToString() => Icmp is { } icmp ? $"{Source} > {Destination} {icmp}" :
        $"{Source}:{SourcePort} > {Destination}:{DestinationPort} [{Flags}] seq {SequenceNumber} ack {AcknowledgmentNumber} win {Window} len {PayloadLength}";
}
