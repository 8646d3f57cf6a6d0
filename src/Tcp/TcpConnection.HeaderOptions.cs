using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// TCP header options written and parsed by sock_ops programs (Linux 5.10; tcp_output.c
/// bpf_skops_hdr_opt_len() and bpf_skops_write_hdr_opt(), tcp_input.c bpf_skops_parse_hdr()).
/// With WRITE_HDR_OPT set, every skb built (a TSO packet once, its segments sharing its header)
/// asks HDR_OPT_LEN_CB how much of the option space left after the kernel's options to reserve,
/// then lets WRITE_HDR_OPT_CB fill it (what it leaves becomes NOPs); the current MSS shrinks by
/// the reservation. PARSE_HDR_OPT_CB sees each segment
/// accepted in a synchronized state, with PARSE_ALL, or with PARSE_UNKNOWN when the segment
/// carries an option the kernel does not know.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>BPF_WRITE_HDR_TCP_CURRENT_MSS: HDR_OPT_LEN_CB's args[0] when tcp_current_mss() asks.</summary>
    private const uint CurrentMssQuery = 1;

    /// <summary>The kinds tcp_parse_options() understands: MSS, window scale, SACK-permitted, SACK, timestamps, MD5, AO, MPTCP, Fast Open.</summary>
    private static readonly byte[] KnownOptionKinds = [2, 3, 4, 5, 8, 19, 29, 30, 34];

    private readonly SockOpsSkb _headerSegment = new();

    /// <summary>The SYN a SYN-ACK being built answers (the request socket's syn_skb), while it is built.</summary>
    private Packet? _synBeingAnswered;

    /// <summary>
    /// tcp_current_mss(): mss_cache, first brought to the path MTU if that has changed, less the
    /// options the next established segment carries beyond the timestamps mss_cache allows for
    /// (tcp_established_options() asked with no skb: the SACK blocks waiting to be sent and the
    /// AccECN option when due) and the space the programs reserve.
    /// </summary>
    private int CurrentMss()
    {
        FollowPathMtu();
        var variable = VariableOptionBytes();
        if (!FlagSet(SockOpsCallbackFlags.WriteHdrOpt) || !IsFullSocket)
        {
            return Mss - variable;
        }

        var remaining = Packet.MaxOptionBytes - (TimestampsAgreed ? TimestampsOptionBytes : 0) - variable;
        return Mss - variable - ReserveOptionSpace(null, null, remaining, CurrentMssQuery);
    }

    /// <summary>
    /// The option bytes beyond the timestamps that the next established segment carries, as
    /// Transmit() lays them out (tcp_established_options()): as many of the pending SACK blocks as
    /// fit, and the AccECN option when due, which may take the place of blocks beyond two.
    /// </summary>
    private int VariableOptionBytes()
    {
        var sackBlocks = SackBlocksToSend(TimestampsAgreed);
        var accEcn = 0;
        if (AccEcnOptionDue && FitEstablishedAccEcnOption(TimestampsAgreed, ref sackBlocks) is { Fields: >= 0 } option)
        {
            accEcn = option.Size;
        }

        return accEcn + Packet.SackOptionLength(sackBlocks);
    }

    /// <summary>The SACK blocks an established segment has room for beside the timestamps (tcp_established_options()): three with them, four without.</summary>
    private int SackBlocksToSend(bool timestamps) => SackAgreed ? Math.Min(_sackBlocks.Pending, timestamps ? 3 : 4) : 0;

    /// <summary>WRITE_HDR_OPT is set; a request socket building its SYN-ACK goes by its listener's flags (tcp_synack_options()).</summary>
    private bool WritesProgramOptions =>
        ((IsFullSocket || Listener is null ? CallbackFlags : Listener.CallbackFlags) & SockOpsCallbackFlags.WriteHdrOpt) != 0;

    /// <summary>
    /// bpf_skops_hdr_opt_len() then bpf_skops_write_hdr_opt() for a packet whose kernel options are
    /// in place: every skb tcp_established_options() builds, the socket's own RST included. A TSO
    /// packet asks once: the segments after its first (<paramref name="continuesPacket"/>) carry
    /// the options written for it, as GSO copies its header to each.
    /// </summary>
    private void WriteProgramOptions(Packet packet, bool continuesPacket)
    {
        if (continuesPacket)
        {
            if (_packetOptionsLength > 0)
            {
                _packetOptions.AsSpan(0, _packetOptionsLength).CopyTo(packet.ExtraOptions);
                packet.ExtraOptionsLength = _packetOptionsLength;
            }

            return;
        }

        _packetOptionsLength = 0;
        if (!WritesProgramOptions)
        {
            return;
        }

        var remaining = Packet.MaxOptionBytes - packet.TcpOptionsLength;
        if (remaining <= 0)
        {
            return;
        }

        // bpf_skops_hdr_opt_len()'s synack_type: a cookie's SYN-ACK says so.
        var synAckType = _answeringWithCookie ? SynAckCookie : 0;
        var length = ReserveOptionSpace(packet, _synBeingAnswered, remaining, synAckType);
        if (length == 0)
        {
            return;
        }

        var segment = _headerSegment.For(packet, _synBeingAnswered, length, outgoing: false);
        CallSockOps(SockOp.WriteHdrOptCb, synAckType, segment: segment);
        packet.ExtraOptions[segment.Written..length].Fill((byte)TcpOptionKind.Nop);
        packet.ExtraOptionsLength = length;
        packet.WrittenExtraOptions.CopyTo(_packetOptions ??= new byte[Packet.MaxOptionBytes]);
        _packetOptionsLength = length;
    }

    /// <summary>The program-written options of the TSO packet being sent, for its later segments; made on first use.</summary>
    private byte[]? _packetOptions;

    /// <summary>How many bytes of <see cref="_packetOptions"/> the packet being sent carries (0: none).</summary>
    private int _packetOptionsLength;

    /// <summary>
    /// HDR_OPT_LEN_CB: the bytes the programs reserved with bpf_reserve_hdr_opt(), rounded up to a
    /// multiple of four; none when a program returned other than 1.
    /// </summary>
    private int ReserveOptionSpace(Packet? packet, Packet? syn, int remaining, uint query)
    {
        var segment = _headerSegment.For(packet, syn, remaining, outgoing: true);
        CallSockOps(SockOp.HdrOptLenCb, query, segment: segment);
        var reserved = remaining - segment.Remaining;
        return segment.Failed || reserved <= 0 ? 0 : (reserved + 3) & ~3;
    }

    /// <summary>
    /// bpf_skops_parse_hdr() at the end of tcp_validate_incoming(): not while the handshake is on
    /// (the ESTABLISHED callbacks see those segments).
    /// </summary>
    private void ParseProgramOptions(Packet packet)
    {
        var parse = FlagSet(SockOpsCallbackFlags.ParseAllHdrOpt)
            || (FlagSet(SockOpsCallbackFlags.ParseUnknownHdrOpt) && HasUnknownOption(packet));
        if (parse && State is not (TcpState.SynReceived or TcpState.SynSent or TcpState.Listen))
        {
            CallSockOps(SockOp.ParseHdrOptCb, segment: _headerSegment.For(packet, null, 0, outgoing: false));
        }
    }

    /// <summary>The segment that an ESTABLISHED callback is given (bpf_skops_established()'s skb).</summary>
    private SockOpsSkb ReceivedSegment(Packet packet) => _headerSegment.For(packet, null, 0, outgoing: false);

    /// <summary>
    /// tcp_parse_options()' saw_unknown: an option of a kind Linux does not parse. The kernel's own
    /// options are typed fields of the packet; only the extra bytes a program wrote can hold one.
    /// </summary>
    private static bool HasUnknownOption(Packet packet)
    {
        var options = new TcpOptionWalker(packet.WrittenExtraOptions);
        while (options.MoveNext())
        {
            var option = options.Option;
            // TCPOPT_EXP (RFC 6994) is parsed when it carries Fast Open's magic.
            var fastOpenExperiment = option[0] == FastOpenOption.ExperimentalKind && option.Length >= 4
                && option[2] == FastOpenOption.ExperimentalMagic >> 8 && option[3] == (FastOpenOption.ExperimentalMagic & 0xFF);
            if (Array.IndexOf(KnownOptionKinds, option[0]) < 0 && !fastOpenExperiment)
            {
                return true;
            }
        }

        return false;
    }
}
