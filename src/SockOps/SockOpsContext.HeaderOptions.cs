using NetSim.Sim.Network;
using NetSim.Sim.Network.Wire;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // The fields and helpers keep the kernel's names, so C programs port unchanged.

/// <summary>
/// The segment of a header-option op and the three helpers that read and write TCP header
/// options (Linux 5.10, net/core/filter.c bpf_sock_ops_load_hdr_opt(), bpf_sock_ops_store_hdr_opt(),
/// bpf_sock_ops_reserve_hdr_opt()), with their error codes.
/// </summary>
public sealed partial class SockOpsContext
{
    /// <summary>The TCP header's fixed part, before the options.</summary>
    private const int TcpHeaderBytes = 20;

    /// <summary>RFC 6994's experimental kinds, searched by kind and magic.</summary>
    private const byte ExperimentalOption = 254;
    private const byte ExperimentalOption253 = 253;

    private SockOpsSkb? _segment;

    /// <summary>
    /// skb_len (5.10): the segment's TCP header and payload (in WRITE_HDR_OPT_CB the header with
    /// the space reserved for the programs' options); for HDR_OPT_LEN_CB, whose header is not yet
    /// written, its payload; in the TX timestamping ops skb->len there (the IP packet at the
    /// device, the payload in the write and retransmission queues).
    /// </summary>
    public uint skb_len => RequireSkbField(nameof(skb_len)) is var packet && _segment?.Length is { } length
        ? (uint)length
        : packet is not null ? (uint)(packet.PayloadLength + (_segment!.Outgoing ? 0 : TcpHeaderBytes + packet.TcpOptionsLength + ReservedBeingWritten)) : 0;

    /// <summary>In WRITE_HDR_OPT_CB, the option space HDR_OPT_LEN_CB reserved (written or not); else 0.</summary>
    private int ReservedBeingWritten => Op == SockOp.WriteHdrOptCb && _segment is { } segment ? segment.Written + segment.Remaining : 0;

    /// <summary>skb_tcp_flags (5.10): the segment's TCP flags; a queued skb of the timestamping ops has ACK (TCPHDR_ACK, tcp_skb_entail()).</summary>
    public uint skb_tcp_flags => RequireSkbField(nameof(skb_tcp_flags)) is { } packet
        ? (uint)packet.Flags
        : _segment?.Length is not null ? (uint)TcpFlags.Ack : 0;

    /// <summary>skb_hwtstamp (6.2): the hardware transmit timestamp in ns, in TSTAMP_SND_HW_CB; else 0.</summary>
    public ulong skb_hwtstamp => Kernel.Version >= new Kernel.KernelVersion(6, 2)
        ? (ulong)(_segment?.HardwareTimestampNs ?? 0)
        : throw new SockOpsProgramException($"bpf_sock_ops.skb_hwtstamp does not exist in Linux {Kernel.Version} (added in 6.2)");

    /// <summary>
    /// skb_shinfo(skb)->tskey, which a C program reads through bpf_core_cast() of skops->skb: the
    /// sequence number of the timestamped write's last byte; 0 outside the timestamping ops.
    /// </summary>
    public uint skb_tskey => _segment?.TsKey ?? 0;

    /// <summary>
    /// bpf_sock_ops_enable_tx_tstamp(skops, flags) (6.15): only in TSTAMP_SENDMSG_CB (else
    /// -EOPNOTSUPP), then only with flags 0 (else -EINVAL); the write's last byte is then timestamped.
    /// </summary>
    public int bpf_sock_ops_enable_tx_tstamp(ulong flags)
    {
        RequireHelper("bpf_sock_ops_enable_tx_tstamp", 6, 15);
        int result;
        if (Op != SockOp.TstampSendmsgCb || _segment is null)
        {
            result = -Linux.EOPNOTSUPP;
        }
        else if (flags != 0)
        {
            result = -Linux.EINVAL;
        }
        else
        {
            _segment.TxTimestampRequested = true;
            result = 0;
        }

        _helperLog?.Add($"enable_tx_tstamp({flags})={result}");
        return result;
    }

    /// <summary>
    /// skb_data to skb_data_end (5.10): the TCP header, options included; empty when there is no
    /// segment or its header is not yet written. In WRITE_HDR_OPT_CB the header is whole but for
    /// the programs' options: its data offset counts the space reserved for them, and
    /// skb_data_end is where the options written so far end (bpf_skops_init_skb(),
    /// bpf_sock_ops_store_hdr_opt()).
    /// </summary>
    public byte[] skb_data => RequireSkbField(nameof(skb_data)) is { } packet && !_segment!.Outgoing ? HeaderSoFar(packet) : [];

    private byte[] HeaderSoFar(Packet packet)
    {
        var header = WireEncoder.TcpHeader(packet);
        if (Op != SockOp.WriteHdrOptCb)
        {
            return header;
        }

        var dataOffset = (header.Length + ReservedBeingWritten) / 4;
        header[12] = (byte)((dataOffset << 4) | (header[12] & 0x0F));
        return [.. header, .. packet.ExtraOptions[.._segment!.Written]];
    }

    /// <summary>The segment behind the skb_* fields, which Linux 5.10 added to struct bpf_sock_ops.</summary>
    private Packet? RequireSkbField(string field) => Kernel.Version >= new Kernel.KernelVersion(5, 10)
        ? _segment?.Packet
        : throw new SockOpsProgramException($"bpf_sock_ops.{field} does not exist in Linux {Kernel.Version} (added in 5.10)");

    /// <summary>bpf_reserve_hdr_opt(skops, len, flags): only in HDR_OPT_LEN_CB; 0, -EPERM, -EINVAL (len below 2 or flags) or -ENOSPC.</summary>
    public int bpf_reserve_hdr_opt(uint len, ulong flags)
    {
        RequireHelper("bpf_reserve_hdr_opt", 5, 10);
        int result;
        if (!IsLockedTcpSock)
        {
            result = -Linux.EOPNOTSUPP;
        }
        else if (Op != SockOp.HdrOptLenCb || _segment is null)
        {
            result = -Linux.EPERM;
        }
        else if (flags != 0 || len < 2)
        {
            result = -Linux.EINVAL;
        }
        else if (len > _segment.Remaining)
        {
            result = -Linux.ENOSPC;
        }
        else
        {
            _segment.Remaining -= (int)len;
            result = 0;
        }

        _helperLog?.Add($"reserve_hdr_opt({len})={result}");
        return result;
    }

    /// <summary>
    /// bpf_store_hdr_opt(skops, from, len, flags): only in WRITE_HDR_OPT_CB; the whole option
    /// (kind, kind-length, data) after what is written already. -EINVAL for flags, len below 2, a
    /// kind-length beyond len, a NOP or EOL, or an experimental option shorter than 4; -ENOSPC
    /// without room; -EEXIST when the segment already has the option (an experimental one by its
    /// magic), in that order.
    /// </summary>
    public int bpf_store_hdr_opt(byte[] from, uint len, ulong flags)
    {
        RequireHelper("bpf_store_hdr_opt", 5, 10);
        var result = IsLockedTcpSock ? StoreOption(from, len, flags) : -Linux.EOPNOTSUPP;
        _helperLog?.Add($"store_hdr_opt(kind {(from.Length > 0 ? from[0] : 0)}, {len})={result}");
        return result;
    }

    /// <summary>
    /// bpf_load_hdr_opt(skops, searchby_res, len, flags): finds the option whose kind is
    /// searchby_res[0] (with kind-length 0, or for an experimental kind 4 or 6 and its 2- or
    /// 4-byte magic) in the segment, or with BPF_LOAD_HDR_OPT_TCP_SYN in the SYN; copies it into
    /// searchby_res and returns its length. -EINVAL, -ENOMSG when absent, -ENOSPC (after copying
    /// len bytes) when longer than len, -ENOENT without a SYN, -EPERM in HDR_OPT_LEN_CB. All three
    /// helpers refuse with -EOPNOTSUPP in the TX timestamping ops, which run without the socket lock.
    /// </summary>
    public int bpf_load_hdr_opt(byte[] searchby_res, uint len, ulong flags)
    {
        RequireHelper("bpf_load_hdr_opt", 5, 10);
        var result = IsLockedTcpSock ? LoadOption(searchby_res, (int)Math.Min(len, (uint)searchby_res.Length), flags) : -Linux.EOPNOTSUPP;
        _helperLog?.Add($"load_hdr_opt(kind {(searchby_res.Length > 0 ? searchby_res[0] : 0)})={result}");
        return result;
    }

    private int StoreOption(byte[] from, uint len, ulong flags)
    {
        if (Op != SockOp.WriteHdrOptCb || _segment?.Packet is not { } packet)
        {
            return -Linux.EPERM;
        }

        if (flags != 0 || len < 2 || len > from.Length)
        {
            return -Linux.EINVAL;
        }

        var kind = from[0];
        var kindLength = from[1];
        if (kindLength > len || kind is (byte)TcpOptionKind.Nop or (byte)TcpOptionKind.End)
        {
            return -Linux.EINVAL;
        }

        if (kindLength > _segment.Remaining)
        {
            return -Linux.ENOSPC;
        }

        // An experimental option is told apart by its magic; two bytes of it, as RFC 6994 allows 2 or 4.
        var experimental = kind is ExperimentalOption or ExperimentalOption253;
        if (experimental && kindLength < 4)
        {
            return -Linux.EINVAL;
        }

        var magicLength = experimental ? 2 : 0;
        var existing = Search(HeaderSoFar(packet)[TcpHeaderBytes..], kind, from.AsSpan(2, magicLength));
        if (existing >= 0)
        {
            return -Linux.EEXIST;
        }

        if (existing != -Linux.ENOMSG)
        {
            return existing;
        }

        from.AsSpan(0, kindLength).CopyTo(packet.ExtraOptions[_segment.Written..]);
        _segment.Written += kindLength;
        _segment.Remaining -= kindLength;
        return 0;
    }

    private int LoadOption(byte[] result, int len, ulong flags)
    {
        if (len < 2 || (flags & ~Linux.BPF_LOAD_HDR_OPT_TCP_SYN) != 0)
        {
            return -Linux.EINVAL;
        }

        var kind = result[0];
        var searchLength = result[1];
        if (searchLength > len || kind is (byte)TcpOptionKind.End or (byte)TcpOptionKind.Nop)
        {
            return -Linux.EINVAL;
        }

        var experimental = kind is ExperimentalOption or ExperimentalOption253;
        if (experimental ? searchLength is not (4 or 6) : searchLength != 0)
        {
            return -Linux.EINVAL;
        }

        byte[] options;
        if ((flags & Linux.BPF_LOAD_HDR_OPT_TCP_SYN) != 0)
        {
            // bpf_sock_ops_get_syn(TCP_BPF_SYN): the SYN a SYN-ACK answers, else the saved SYN; its options follow the fixed header.
            if (GetSyn(Linux.TCP_BPF_SYN, out var synHeader) < 0)
            {
                return -Linux.ENOENT;
            }

            options = synHeader[TcpHeaderBytes..].ToArray();
        }
        else if (_segment?.Packet is not { } packet || _segment.Outgoing)
        {
            return -Linux.EPERM;
        }
        else
        {
            options = HeaderSoFar(packet)[TcpHeaderBytes..];
        }

        var found = Search(options, kind, experimental ? result.AsSpan(2, searchLength - 2) : []);
        if (found < 0)
        {
            return found;
        }

        var optionLength = options[found + 1];
        var copied = Math.Min(optionLength, len);
        options.AsSpan(found, copied).CopyTo(result);
        return optionLength > len ? -Linux.ENOSPC : optionLength;
    }

    /// <summary>
    /// bpf_search_tcp_opt(): the offset of the first option of <paramref name="kind"/> (with
    /// <paramref name="magic"/> after kind and length, for an experimental kind); -ENOMSG when
    /// absent, -EFAULT on a malformed option.
    /// </summary>
    private static int Search(ReadOnlySpan<byte> options, byte kind, ReadOnlySpan<byte> magic)
    {
        var walker = new TcpOptionWalker(options);
        while (walker.MoveNext())
        {
            var option = walker.Option;
            if (walker.Kind == kind && (magic.IsEmpty || (option.Length - 2 >= magic.Length && option.Slice(2, magic.Length).SequenceEqual(magic))))
            {
                return walker.Offset;
            }
        }

        return walker.Malformed ? -Linux.EFAULT : -Linux.ENOMSG;
    }
}
