using System.Globalization;

namespace NetSim.SockOps.Programs;

/// <summary>
/// builtin:tcpbpf, the program of the kernel selftest tcpbpf
/// (tools/testing/selftests/bpf/progs/test_tcpbpf_kern.c), line by line but for the IPv4
/// counterparts of its IPv6 calls: IP_TOS beside the refused IPV6_TCLASS, and an IPv4 header before
/// the TCP header of the saved SYN. It sets bit <c>op</c> of event_map on every call; CONNECT_CB and
/// PASSIVE_ESTABLISHED clamp the window to 9216; ACTIVE_ESTABLISHED tries cb_flags_set(0x80) then
/// STATE; LISTEN turns on STATE and TCP_SAVE_SYN; every move to CLOSE is counted, and a
/// connection's counters are kept. Its globals are the program's, shared by every socket it runs
/// on; each close prints them to sockops_output.csv.
/// </summary>
public sealed class TcpbpfProgram : SockOpsProgram
{
    private const int IpHeaderBytes = 20;
    private const int TcpHeaderBytes = 20;
    private const byte TcpSynBit = 0x02;
    private const int WindowClamp = 9216;

    /// <summary>struct tcpbpf_globals, and the results of the sockopt calls the selftest checks.</summary>
    public sealed class Globals
    {
        public uint EventMap { get; set; }
        public ulong BytesReceived { get; set; }
        public ulong BytesAcked { get; set; }
        public uint DataSegsIn { get; set; }
        public uint DataSegsOut { get; set; }
        public uint TotalRetrans { get; set; }
        public int BadCbTestRv { get; set; }
        public int GoodCbTestRv { get; set; }
        public uint NumListen { get; set; }
        public uint NumCloseEvents { get; set; }
        public int TcpSaveSyn { get; set; }
        public int TcpSavedSyn { get; set; }

        /// <summary>setsockopt(IPV6_TCLASS)'s result on the IPv4 socket: -EINVAL.</summary>
        public int TclassOnIpv4 { get; set; }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"event_map=0x{EventMap:x} total_retrans={TotalRetrans} data_segs_in={DataSegsIn} data_segs_out={DataSegsOut} bad_cb_test_rv=0x{BadCbTestRv:x} good_cb_test_rv={GoodCbTestRv} bytes_received={BytesReceived} bytes_acked={BytesAcked} num_listen={NumListen} num_close_events={NumCloseEvents} tcp_save_syn={TcpSaveSyn} tcp_saved_syn={TcpSavedSyn}");
    }

    public Globals Global { get; } = new();

    public override string Name => BuiltinPrograms.Prefix + "tcpbpf";

    public override int Run(SockOpsContext skops)
    {
        var rv = -1;
        var op = (int)skops.op;
        Global.EventMap |= 1u << op;
        switch (op)
        {
            case Linux.BPF_SOCK_OPS_TCP_CONNECT_CB:
                rv = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, WindowClamp);
                break;
            case Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                // The largest flag bit is assumed undefined: it fails, the STATE flag succeeds.
                Global.BadCbTestRv = skops.bpf_sock_ops_cb_flags_set(0x80);
                Global.GoodCbTestRv = skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_STATE_CB_FLAG);
                break;
            case Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
                skops.sk_txhash = 0x12345f;
                Global.TclassOnIpv4 = skops.SetSockOpt(Linux.SOL_IPV6, Linux.IPV6_TCLASS, 0xff);
                skops.SetSockOpt(Linux.SOL_IP, Linux.IP_TOS, 0xff);
                var header = new byte[IpHeaderBytes + TcpHeaderBytes];
                if (skops.bpf_getsockopt(Linux.IPPROTO_TCP, Linux.TCP_SAVED_SYN, header, header.Length) == 0)
                {
                    Global.TcpSavedSyn = (header[IpHeaderBytes + 13] & TcpSynBit) != 0 ? 1 : 0;
                }

                rv = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, WindowClamp);
                break;
            case Linux.BPF_SOCK_OPS_STATE_CB:
                if (skops.args[1] == Linux.BPF_TCP_CLOSE)
                {
                    RecordClose(skops);
                }

                break;
            case Linux.BPF_SOCK_OPS_TCP_LISTEN_CB:
                skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_STATE_CB_FLAG);
                Global.TcpSaveSyn = skops.SetSockOpt(Linux.IPPROTO_TCP, Linux.TCP_SAVE_SYN, 1);
                break;
        }

        skops.reply = unchecked((uint)rv);
        return 1;
    }

    /// <summary>A listener's close counts num_listen; a connection's leaves its counters; every close counts.</summary>
    private void RecordClose(SockOpsContext skops)
    {
        if (skops.args[0] == Linux.BPF_TCP_LISTEN)
        {
            Global.NumListen++;
        }
        else
        {
            Global.TotalRetrans = skops.total_retrans;
            Global.DataSegsIn = skops.data_segs_in;
            Global.DataSegsOut = skops.data_segs_out;
            Global.BytesReceived = skops.bytes_received;
            Global.BytesAcked = skops.bytes_acked;
        }

        Global.NumCloseEvents++;
        skops.bpf_output(Global.ToString());
    }
}
