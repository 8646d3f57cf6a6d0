using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest's program tools/testing/selftests/bpf/progs/test_tcp_hdr_options.c
/// (SEC("sockops") estab), op for op: each side writes a test option (experimental kind 254 with
/// magic 0xeB9F, or a regular kind) in its SYN or SYN-ACK, reads the peer's in the ESTABLISHED
/// callbacks (the passive side from the saved SYN, or from the ACK when a SYN cookie dropped it
/// and asked the active side to resend), keeps per-socket storage, optionally writes one in its
/// FIN, and clears its header-option flags once nothing more is to be written. RET_CG_ERR records
/// where it failed, clears the flags and fails the op, as there.
/// </summary>
internal sealed class TcpHdrOptionsProgram : SockOpsProgram
{
    public const byte ExperimentalKind = 254;

    public const byte OptionResend = 1 << 0;
    public const byte OptionMaxDelackMs = 1 << 1;
    public const byte OptionRand = 1 << 2;
    private const byte OptionMask = OptionResend | OptionMaxDelackMs | OptionRand;

    private const uint TcpFin = 0x01;
    private const uint TcpSyn = 0x02;
    private const uint TcpSynAck = 0x12;

    private readonly SocketStorage<HeaderStorage> _storage = new();

    public override string Name => "test_tcp_hdr_options:estab";

    public byte TestKind { get; set; } = ExperimentalKind;

    public ushort TestMagic { get; set; } = 0xeB9F;

    public TestOption PassiveSynAckOut { get; set; }

    public TestOption PassiveFinOut { get; set; }

    public TestOption PassiveEstabIn { get; private set; }

    public TestOption PassiveFinIn { get; private set; }

    public TestOption ActiveSynOut { get; set; }

    public TestOption ActiveFinOut { get; set; }

    public TestOption ActiveEstabIn { get; private set; }

    public TestOption ActiveFinIn { get; private set; }

    public SockOpsCallbackFlags InheritCbFlags { get; private set; }

    /// <summary>lport_linum_map: the first failure of each local port (BPF_NOEXIST), by where it happened and its error.</summary>
    public Dictionary<uint, (string Where, int Error)> Errors { get; } = [];

    /// <summary>The storage of a socket (hdr_stg_map), or null.</summary>
    public HeaderStorage? StorageOf(Tcp.TcpConnection connection) => _storage.Get(connection, create: false);

    public override int Run(SockOpsContext skops) => skops.Op switch
    {
        SockOp.TcpListenCb => Listen(skops),
        SockOp.TcpConnectCb => SetHdrCbFlags(skops, SockOpsCallbackFlags.None),
        SockOp.ParseHdrOptCb => HandleParseHdr(skops),
        SockOp.HdrOptLenCb => HandleHdrOptLen(skops),
        SockOp.WriteHdrOptCb => HandleWriteHdrOpt(skops),
        SockOp.PassiveEstablishedCb => HandlePassiveEstab(skops),
        SockOp.ActiveEstablishedCb => HandleActiveEstab(skops),
        _ => Ok,
    };

    private const int Ok = 1;

    private int Listen(SockOpsContext skops)
    {
        skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_SAVE_SYN, 1);
        return SetHdrCbFlags(skops, SockOpsCallbackFlags.State);
    }

    private int HandleHdrOptLen(SockOpsContext skops)
    {
        var flags = skops.skb_tcp_flags;
        if ((flags & TcpSynAck) == TcpSynAck)
        {
            return SynAckOptLen(skops);
        }

        if ((flags & TcpSyn) != 0)
        {
            return SynOptLen(skops);
        }

        if ((flags & TcpFin) != 0)
        {
            return FinOptLen(skops);
        }

        if (skops.args[0] == Linux.BPF_WRITE_HDR_TCP_CURRENT_MSS)
        {
            // The kernel is calculating the MSS: reserve the most that may be needed.
            var reserved = skops.bpf_reserve_hdr_opt(OptionTotalLength(OptionMask), 0);
            return reserved != 0 ? Error(skops, "current_mss_opt_len", reserved) : Ok;
        }

        return NoDataOptLen(skops);
    }

    private int HandleWriteHdrOpt(SockOpsContext skops)
    {
        var flags = skops.skb_tcp_flags;
        if ((flags & TcpSynAck) == TcpSynAck)
        {
            if (PassiveSynAckOut.Flags == 0)
            {
                // Not even called without header space reserved.
                return Error(skops, "write_synack_opt", 0);
            }

            var option = PassiveSynAckOut;
            if (skops.args[0] == Linux.BPF_WRITE_HDR_TCP_SYNACK_COOKIE)
            {
                option = option with { Flags = (byte)(option.Flags | OptionResend) };
            }

            return StoreOption(skops, option);
        }

        if ((flags & TcpSyn) != 0)
        {
            return WriteSynOpt(skops);
        }

        if ((flags & TcpFin) != 0)
        {
            return WriteFinOpt(skops);
        }

        var header = skops.skb_data;
        if (header.Length < 20)
        {
            return Error(skops, "handle_write_hdr_opt: th + 1 > skb_data_end", 0);
        }

        // Data or not, the same: resend the SYN's option in the ACKs while a cookie asked for it.
        return WriteNoDataOpt(skops);
    }

    private int SynAckOptLen(SockOpsContext skops)
    {
        if (PassiveSynAckOut.Flags == 0)
        {
            return Ok;
        }

        var found = LoadOption(skops, fromSyn: true, out _);
        if (found == -Linux.ENOMSG)
        {
            return Ok;
        }

        if (found != 0)
        {
            return Error(skops, "synack_opt_len: load_option", found);
        }

        return Reserve(skops, PassiveSynAckOut, "synack_opt_len");
    }

    private int SynOptLen(SockOpsContext skops) => ActiveSynOut.Flags == 0 ? Ok : Reserve(skops, ActiveSynOut, "syn_opt_len");

    private int WriteSynOpt(SockOpsContext skops) => ActiveSynOut.Flags == 0 ? Error(skops, "write_syn_opt", 0) : StoreOption(skops, ActiveSynOut);

    private int FinOptLen(SockOpsContext skops)
    {
        if (skops.sk is null || _storage.Get(skops, create: false) is not { } storage)
        {
            return Error(skops, "fin_opt_len: no storage", 0);
        }

        var option = storage.Active ? ActiveFinOut : PassiveFinOut;
        return option.Flags == 0 ? Ok : Reserve(skops, option, "fin_opt_len");
    }

    private int WriteFinOpt(SockOpsContext skops)
    {
        if (skops.sk is null || _storage.Get(skops, create: false) is not { } storage)
        {
            return Error(skops, "write_fin_opt: no storage", 0);
        }

        var option = storage.Active ? ActiveFinOut : PassiveFinOut;
        return option.Flags == 0 ? Error(skops, "write_fin_opt: nothing to write", 0) : StoreOption(skops, option);
    }

    /// <summary>resend_in_ack(): whether the ACKs carry the SYN's option again; -1 without storage.</summary>
    private int ResendInAck(SockOpsContext skops) =>
        skops.sk is null || _storage.Get(skops, create: false) is not { } storage ? -1 : storage.ResendSyn ? 1 : 0;

    private int NoDataOptLen(SockOpsContext skops) => ResendInAck(skops) switch
    {
        < 0 => Error(skops, "nodata_opt_len: no storage", 0),
        1 => SynOptLen(skops),
        _ => Ok,
    };

    private int WriteNoDataOpt(SockOpsContext skops) => ResendInAck(skops) switch
    {
        < 0 => Error(skops, "write_nodata_opt: no storage", 0),
        1 => WriteSynOpt(skops),
        _ => Ok,
    };

    private int HandleActiveEstab(SockOpsContext skops)
    {
        var found = LoadOption(skops, fromSyn: false, out var option);
        if (found != 0 && found != -Linux.ENOMSG)
        {
            return Error(skops, "handle_active_estab: load_option", found);
        }

        ActiveEstabIn = option;
        if (skops.sk is null || _storage.Get(skops, create: true) is not { } storage)
        {
            return Error(skops, "handle_active_estab: storage", 0);
        }

        storage.Active = true;
        storage.ResendSyn = (ActiveEstabIn.Flags & OptionResend) != 0;
        if (storage.ResendSyn)
        {
            // Keep writing (the ACK may be lost) until a packet from the peer shows it arrived.
            SetParseAllHdrCbFlags(skops);
        }
        else if (ActiveFinOut.Flags == 0)
        {
            ClearHdrCbFlags(skops);
        }

        return SetDelackAndRtoMin(skops, ActiveSynOut.MaxDelackMs, ActiveEstabIn.MaxDelackMs, "handle_active_estab");
    }

    private int HandlePassiveEstab(SockOpsContext skops)
    {
        InheritCbFlags = skops.CallbackFlags;
        var syncookie = false;
        var found = LoadOption(skops, fromSyn: true, out var option);
        if (found == -Linux.ENOENT)
        {
            // No saved SYN: a cookie answered it, and asked the active side to resend in its ACK.
            found = LoadOption(skops, fromSyn: false, out option);
            syncookie = true;
        }

        if (found != 0 && found != -Linux.ENOMSG)
        {
            return Error(skops, "handle_passive_estab: load_option", found);
        }

        PassiveEstabIn = option;
        var header = skops.skb_data;
        if (header.Length < 20)
        {
            return Error(skops, "handle_passive_estab: th + 1 > skb_data_end", 0);
        }

        var fastOpen = (header[13] & TcpSyn) != 0;
        if (fastOpen)
        {
            // The SYN-ACK is not sent yet, and may need resending: learn from the next packet that it arrived.
            SetParseAllHdrCbFlags(skops);
        }
        else if (PassiveFinOut.Flags == 0)
        {
            ClearHdrCbFlags(skops);
        }

        if (skops.sk is null || _storage.Get(skops, create: true) is not { } storage)
        {
            return Error(skops, "handle_passive_estab: storage", 0);
        }

        storage.Syncookie = syncookie;
        storage.FastOpen = fastOpen;
        return SetDelackAndRtoMin(skops, PassiveSynAckOut.MaxDelackMs, PassiveEstabIn.MaxDelackMs, "handle_passive_estab");
    }

    private int HandleParseHdr(SockOpsContext skops)
    {
        var header = skops.skb_data;
        if (skops.sk is null || header.Length < 20)
        {
            return Error(skops, "handle_parse_hdr: no header", 0);
        }

        if (_storage.Get(skops, create: false) is not { } storage)
        {
            return Error(skops, "handle_parse_hdr: no storage", 0);
        }

        if (storage.ResendSyn || storage.FastOpen)
        {
            // A valid packet after the handshake: what was written reached the peer.
            ClearParseAllHdrCbFlags(skops);
        }

        if ((storage.ResendSyn && ActiveFinOut.Flags == 0) || (storage.FastOpen && PassiveFinOut.Flags == 0))
        {
            ClearHdrCbFlags(skops);
        }

        if ((header[13] & TcpFin) != 0)
        {
            var found = LoadOption(skops, fromSyn: false, out var option);
            if (found != 0 && found != -Linux.ENOMSG)
            {
                return Error(skops, "handle_parse_hdr: load fin option", found);
            }

            if (storage.Active)
            {
                ActiveFinIn = option;
            }
            else
            {
                PassiveFinIn = option;
            }
        }

        return Ok;
    }

    private int SetDelackAndRtoMin(SockOpsContext skops, byte ownDelackMs, byte peerDelackMs, string where)
    {
        if (ownDelackMs != 0 && skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_DELACK_MAX, ownDelackMs * 1000) is var delack and not 0)
        {
            return Error(skops, $"{where}: set_delack_max", delack);
        }

        if (peerDelackMs != 0 && skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_RTO_MIN, peerDelackMs * 1000) is var rtoMin and not 0)
        {
            return Error(skops, $"{where}: set_rto_min", rtoMin);
        }

        return Ok;
    }

    /// <summary>option_total_len(): the flags byte and one per carried field, plus kind, length (and magic).</summary>
    private uint OptionTotalLength(byte flags)
    {
        if (flags == 0)
        {
            return 0;
        }

        var length = 1u + ((flags & OptionMaxDelackMs) != 0 ? 1u : 0) + ((flags & OptionRand) != 0 ? 1u : 0);
        return length + (TestKind == ExperimentalKind ? 4u : 2u);
    }

    private int Reserve(SockOpsContext skops, TestOption option, string where)
    {
        var reserved = skops.bpf_reserve_hdr_opt(OptionTotalLength(option.Flags), 0);
        return reserved != 0 ? Error(skops, where, reserved) : Ok;
    }

    private int StoreOption(SockOpsContext skops, TestOption option)
    {
        var experimental = TestKind == ExperimentalKind;
        var bytes = new byte[experimental ? 8 : 6];
        bytes[0] = TestKind;
        bytes[1] = (byte)OptionTotalLength(option.Flags);
        var offset = 2;
        if (experimental)
        {
            bytes[2] = (byte)(TestMagic >> 8);
            bytes[3] = (byte)TestMagic;
            offset = 4;
        }

        bytes[offset++] = option.Flags;
        if ((option.Flags & OptionMaxDelackMs) != 0)
        {
            bytes[offset++] = option.MaxDelackMs;
        }

        if ((option.Flags & OptionRand) != 0)
        {
            bytes[offset] = option.Rand;
        }

        var stored = skops.bpf_store_hdr_opt(bytes, (uint)bytes.Length, 0);
        return stored != 0 ? Error(skops, "store_option", stored) : Ok;
    }

    /// <summary>load_option(): the test option of the segment, or of the SYN; 0 or the helper's error.</summary>
    private int LoadOption(SockOpsContext skops, bool fromSyn, out TestOption option)
    {
        option = default;
        var experimental = TestKind == ExperimentalKind;
        var search = experimental ? new byte[] { TestKind, 4, (byte)(TestMagic >> 8), (byte)TestMagic, 0, 0, 0, 0 } : [TestKind, 0, 0, 0, 0, 0];
        var found = skops.bpf_load_hdr_opt(search, (uint)search.Length, fromSyn ? Linux.BPF_LOAD_HDR_OPT_TCP_SYN : 0);
        if (found < 0)
        {
            return found;
        }

        // parse_test_option(): flags, then the fields they announce.
        var offset = experimental ? 4 : 2;
        var flags = search[offset++];
        byte delack = 0, rand = 0;
        if ((flags & OptionMaxDelackMs) != 0)
        {
            delack = search[offset++];
        }

        if ((flags & OptionRand) != 0)
        {
            rand = search[offset];
        }

        option = new TestOption(flags, delack, rand);
        return 0;
    }

    private static int SetHdrCbFlags(SockOpsContext skops, SockOpsCallbackFlags extra)
    {
        skops.CbFlagsSet(skops.CallbackFlags | SockOpsCallbackFlags.ParseUnknownHdrOpt | SockOpsCallbackFlags.WriteHdrOpt | extra);
        return Ok;
    }

    private static void ClearHdrCbFlags(SockOpsContext skops) =>
        skops.CbFlagsSet(skops.CallbackFlags & ~(SockOpsCallbackFlags.ParseUnknownHdrOpt | SockOpsCallbackFlags.WriteHdrOpt));

    private static void SetParseAllHdrCbFlags(SockOpsContext skops) => skops.CbFlagsSet(skops.CallbackFlags | SockOpsCallbackFlags.ParseAllHdrOpt);

    private static void ClearParseAllHdrCbFlags(SockOpsContext skops) => skops.CbFlagsSet(skops.CallbackFlags & ~SockOpsCallbackFlags.ParseAllHdrOpt);

    /// <summary>RET_CG_ERR(): the first error of the local port is kept; the header flags are cleared and the op fails.</summary>
    private int Error(SockOpsContext skops, string where, int error)
    {
        Errors.TryAdd(skops.local_port, (where, error));
        ClearHdrCbFlags(skops);
        ClearParseAllHdrCbFlags(skops);
        return 0;
    }

    /// <summary>struct bpf_test_option.</summary>
    public readonly record struct TestOption(byte Flags, byte MaxDelackMs, byte Rand);

    /// <summary>struct hdr_stg, in hdr_stg_map.</summary>
    public sealed class HeaderStorage
    {
        public bool Active { get; set; }

        public bool ResendSyn { get; set; }

        public bool Syncookie { get; set; }

        public bool FastOpen { get; set; }
    }
}
