using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest's program tools/testing/selftests/bpf/progs/test_misc_tcp_hdr_options.c
/// (SEC("sockops/misc_estab")): only the active side writes, an experimental option (magic
/// 0xeB9F) and a regular one (kind 0xB9) on every segment, trying each helper's error cases on the
/// way; the passive side reads them from the SYN (through syn_skb, then the saved SYN and the
/// TCP_BPF_SYN* getsockopts) and from every later segment, counting SYNs, data, pure ACKs and FINs.
/// The selftest runs over IPv6; here the IP header checked is IPv4's (addresses at bytes 12 to 19).
/// </summary>
internal sealed class MiscTcpHdrOptionsProgram(uint activeAddress, uint passiveAddress) : SockOpsProgram
{
    private const byte ExperimentalKind = 254;
    private const byte RegularKind = 0xB9;
    private const byte WindowKind = 3;
    private const uint TcpSynAck = 0x12;

    private uint _activePort;
    private uint _passivePort;

    public override string Name => "test_misc_tcp_hdr_options:misc_estab";

    public int Syns { get; private set; }

    public int DataSegments { get; private set; }

    public int PureAcks { get; private set; }

    public int Fins { get; private set; }

    /// <summary>lport_linum_map: the first failure of each local port, by where it happened and its error.</summary>
    public Dictionary<uint, (string Where, int Error)> Errors { get; } = [];

    public override int Run(SockOpsContext skops)
    {
        switch (skops.Op)
        {
            case SockOp.TcpListenCb:
                _passivePort = skops.local_port;
                skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_SAVE_SYN, 1);
                SetHdrCbFlags(skops);
                return 1;
            case SockOp.TcpConnectCb:
                SetHdrCbFlags(skops);
                return 1;
            case SockOp.ParseHdrOptCb:
                // The passive side writes nothing the active side would not know.
                return skops.local_port == _activePort ? Error(skops, "handle_parse_hdr: active side", 0) : CheckActiveHeaderIn(skops);
            case SockOp.HdrOptLenCb:
                if ((skops.skb_tcp_flags & TcpSynAck) == TcpSynAck)
                {
                    return CheckActiveHeader(skops, checkSyn: true);
                }

                // The passive side has cleared its write flag by now.
                if (skops.local_port == _passivePort)
                {
                    return Error(skops, "handle_hdr_opt_len: passive side", 0);
                }

                // More than enough, for the -EEXIST tests in WRITE_HDR_OPT_CB.
                var reserved = skops.bpf_reserve_hdr_opt(12, 0);
                return reserved != 0 ? Error(skops, "active_opt_len", reserved) : 1;
            case SockOp.WriteHdrOptCb:
                return skops.local_port == _passivePort ? Error(skops, "handle_write_hdr_opt: passive side", 0) : WriteActiveOptions(skops);
            case SockOp.PassiveEstablishedCb:
                skops.CbFlagsSet(skops.CallbackFlags & ~SockOpsCallbackFlags.WriteHdrOpt);
                if (CheckActiveHeader(skops, checkSyn: true) == 0)
                {
                    return 0;
                }

                Syns++;

                // The ACK carries the active side's options too.
                return CheckActiveHeaderIn(skops);
            default:
                return 1;
        }
    }

    /// <summary>__check_active_hdr_in(): the helpers' answers when loading the active side's two options.</summary>
    private int CheckActiveHeader(SockOpsContext skops, bool checkSyn)
    {
        var flags = checkSyn ? Linux.BPF_LOAD_HDR_OPT_TCP_SYN : 0;

        // The regular option is 4 bytes long, not 2.
        var regular = new byte[] { RegularKind, 0, 0, 0, 0, 0 };
        if (skops.bpf_load_hdr_opt(regular, 2, flags) is var tooShort and not -Linux.ENOSPC)
        {
            return Error(skops, "load regular into 2 bytes", tooShort);
        }

        // A regular kind is searched with kind-length 0.
        regular[1] = 4;
        if (skops.bpf_load_hdr_opt(regular, (uint)regular.Length, flags) is var withLength and not -Linux.EINVAL)
        {
            return Error(skops, "load regular with kind-length 4", withLength);
        }

        regular[1] = 0;
        if (skops.bpf_load_hdr_opt(regular, (uint)regular.Length, flags) != 4 || regular[1] != 4 || regular[0] != RegularKind
            || regular[2] != 0xfa || regular[3] != 0xce)
        {
            return Error(skops, "load regular", 0);
        }

        // An experimental option is searched with kind-length 4 or 6 and its magic.
        var experimental = new byte[] { ExperimentalKind, 5, 0, 0, 0, 0, 0, 0 };
        if (skops.bpf_load_hdr_opt(experimental, (uint)experimental.Length, flags) is var badLength and not -Linux.EINVAL)
        {
            return Error(skops, "load experimental with kind-length 5", badLength);
        }

        experimental[1] = 4;
        if (skops.bpf_load_hdr_opt(experimental, (uint)experimental.Length, flags) is var zeroMagic and not -Linux.ENOMSG)
        {
            return Error(skops, "load experimental with magic 0", zeroMagic);
        }

        experimental[2] = 0xeB;
        experimental[3] = 0x9F;
        if (skops.bpf_load_hdr_opt(experimental, (uint)experimental.Length, flags) != 4 || experimental[1] != 4
            || experimental[0] != ExperimentalKind || experimental[2] != 0xeB || experimental[3] != 0x9F)
        {
            return Error(skops, "load experimental", 0);
        }

        return checkSyn ? CheckSynHeaders(skops) : 1;
    }

    /// <summary>
    /// The SYN's headers through getsockopt: from syn_skb while the request socket builds its
    /// SYN-ACK, from the saved SYN after: an IP header's worth is too little (-ENOSPC, but copied),
    /// then whole, and the TCP header alone.
    /// </summary>
    private int CheckSynHeaders(SockOpsContext skops)
    {
        var ipOnly = new byte[20];
        if (skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN_IP, ipOnly, ipOnly.Length) is var tooSmall and not -Linux.ENOSPC)
        {
            return Error(skops, "TCP_BPF_SYN_IP into an IP header's room", tooSmall);
        }

        if (BigEndian(ipOnly, 12) != activeAddress || BigEndian(ipOnly, 16) != passiveAddress)
        {
            return Error(skops, "TCP_BPF_SYN_IP addresses", 0);
        }

        var headers = new byte[100];
        if (skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN_IP, headers, headers.Length) is var length and < 0)
        {
            return Error(skops, "TCP_BPF_SYN_IP", length);
        }

        var tcp = (headers[0] & 0x0F) * 4;
        if (Ports(headers, tcp) != (_activePort, _passivePort))
        {
            return Error(skops, "TCP_BPF_SYN_IP ports", 0);
        }

        if (skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN, headers, headers.Length) is var synLength and < 0)
        {
            return Error(skops, "TCP_BPF_SYN", synLength);
        }

        return Ports(headers, 0) == (_activePort, _passivePort) ? 1 : Error(skops, "TCP_BPF_SYN ports", 0);
    }

    /// <summary>check_active_hdr_in(): the options, then what kind of segment it was.</summary>
    private int CheckActiveHeaderIn(SockOpsContext skops)
    {
        if (CheckActiveHeader(skops, checkSyn: false) == 0)
        {
            return 0;
        }

        var header = skops.skb_data;
        if (header.Length < 20)
        {
            return Error(skops, "check_active_hdr_in: th + 1 > skb_data_end", 0);
        }

        var headerLength = (header[12] >> 4) * 4;
        var flags = header[13];
        if (headerLength < skops.skb_len)
        {
            DataSegments++;
        }

        if ((flags & 0x01) != 0)
        {
            Fins++;
        }

        if ((flags & 0x10) != 0 && (flags & 0x01) == 0 && headerLength == skops.skb_len)
        {
            PureAcks++;
        }

        return 1;
    }

    /// <summary>write_active_opt(): both options, each a second time (-EEXIST), read back; on the SYN, the kernel's window scale too.</summary>
    private int WriteActiveOptions(SockOpsContext skops)
    {
        byte[] experimental = [ExperimentalKind, 4, 0xeB, 0x9F];
        byte[] regular = [RegularKind, 4, 0xfa, 0xce];
        if (skops.bpf_store_hdr_opt(experimental, 4, 0) is var stored and not 0)
        {
            return Error(skops, "store experimental", stored);
        }

        if (skops.bpf_store_hdr_opt(experimental, 4, 0) is var again and not -Linux.EEXIST)
        {
            return Error(skops, "store experimental again", again);
        }

        if (skops.bpf_store_hdr_opt(regular, 4, 0) is var storedRegular and not 0)
        {
            return Error(skops, "store regular", storedRegular);
        }

        if (skops.bpf_store_hdr_opt(regular, 4, 0) is var regularAgain and not -Linux.EEXIST)
        {
            return Error(skops, "store regular again", regularAgain);
        }

        var experimentalBack = new byte[] { ExperimentalKind, 4, 0xeB, 0x9F };
        if (skops.bpf_load_hdr_opt(experimentalBack, 4, 0) != 4 || experimentalBack[1] != 4)
        {
            return Error(skops, "load experimental back", 0);
        }

        var regularBack = new byte[] { RegularKind, 0, 0, 0 };
        if (skops.bpf_load_hdr_opt(regularBack, 4, 0) != 4 || regularBack[2] != 0xfa || regularBack[3] != 0xce)
        {
            return Error(skops, "load regular back", 0);
        }

        var header = skops.skb_data;
        if (header.Length < 20)
        {
            return Error(skops, "write_active_opt: th + 1 > skb_data_end", 0);
        }

        if ((header[13] & 0x02) != 0)
        {
            _activePort = skops.local_port;

            // The window scale the kernel wrote in the SYN can be found, and not written again.
            var window = new byte[] { WindowKind, 0, 0, 0 };
            var windowLength = skops.bpf_load_hdr_opt(window, (uint)window.Length, 0);
            if (windowLength != 3 || window[1] != 3 || window[0] != WindowKind)
            {
                return Error(skops, "load the kernel's window scale", windowLength);
            }

            if (skops.bpf_store_hdr_opt(window, 3, 0) is var windowAgain and not -Linux.EEXIST)
            {
                return Error(skops, "store the window scale again", windowAgain);
            }
        }

        return 1;
    }

    private static void SetHdrCbFlags(SockOpsContext skops) =>
        skops.CbFlagsSet(skops.CallbackFlags | SockOpsCallbackFlags.ParseUnknownHdrOpt | SockOpsCallbackFlags.WriteHdrOpt);

    private static uint BigEndian(byte[] bytes, int offset) =>
        (uint)((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]);

    private static (uint Source, uint Destination) Ports(byte[] bytes, int offset) =>
        ((uint)((bytes[offset] << 8) | bytes[offset + 1]), (uint)((bytes[offset + 2] << 8) | bytes[offset + 3]));

    /// <summary>RET_CG_ERR(): the first error of the local port; the header flags cleared and the op failed.</summary>
    private int Error(SockOpsContext skops, string where, int error)
    {
        Errors.TryAdd(skops.local_port, (where, error));
        skops.CbFlagsSet(skops.CallbackFlags & ~(SockOpsCallbackFlags.ParseUnknownHdrOpt | SockOpsCallbackFlags.WriteHdrOpt | SockOpsCallbackFlags.ParseAllHdrOpt));
        return 0;
    }
}
