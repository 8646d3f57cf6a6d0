using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest tcpbpf (progs/test_tcpbpf_kern.c with prog_tests/tcpbpf_user.c), ported to
/// the simulator's IPv4 loopback: one program on both ends (one cgroup), the selftest's exchange,
/// and the user side's assertions. Where the selftest is IPv6 it uses the IPv4 counterparts: IP_TOS
/// for IPV6_TCLASS, and an IPv4 header before the TCP header of the saved SYN.
/// </summary>
public class TcpbpfSelftestTests
{
    [Fact]
    public void TheGlobalsAfterTheExchangeAreTheSelftests()
    {
        var net = new Loopback();
        var program = new TcpbpfProgram();
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(program);
        var (client, accepted) = TcpbpfExchange.Run(net);
        var global = program.Global;

        // verify_result(): ops 1, 2, 3, 4, 5, 6, 10 and 11 ran.
        const uint expectedEvents = (1u << Linux.BPF_SOCK_OPS_TIMEOUT_INIT) | (1u << Linux.BPF_SOCK_OPS_RWND_INIT)
            | (1u << Linux.BPF_SOCK_OPS_TCP_CONNECT_CB) | (1u << Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
            | (1u << Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB) | (1u << Linux.BPF_SOCK_OPS_NEEDS_ECN)
            | (1u << Linux.BPF_SOCK_OPS_STATE_CB) | (1u << Linux.BPF_SOCK_OPS_TCP_LISTEN_CB);
        Assert.Equal(0xC7Eu, expectedEvents);
        Assert.Equal(expectedEvents, global.EventMap);
        Assert.Equal(501ul, global.BytesReceived);
        Assert.Equal(1002ul, global.BytesAcked);
        Assert.Equal(1u, global.DataSegsIn);
        Assert.Equal(1u, global.DataSegsOut);
        Assert.Equal(0x80, global.BadCbTestRv);
        Assert.Equal(0, global.GoodCbTestRv);
        Assert.Equal(1u, global.NumListen);

        // One listening socket and both ends of the connection.
        Assert.Equal(3u, global.NumCloseEvents);

        // sockopt_results: bpf_setsockopt(TCP_SAVE_SYN) returned 0; the saved SYN's TCP header has SYN set.
        Assert.Equal(0, global.TcpSaveSyn);
        Assert.Equal(1, global.TcpSavedSyn);

        // window_clamp_client = window_clamp_server = 9216.
        Assert.Equal((9216u, 9216u), (client.WindowClamp, accepted.WindowClamp));

        // The IPv4 counterpart of IPV6_TCLASS 0xff: the ECN bits stay TCP's, and the server's packets carry the rest.
        Assert.Equal(0xFC, accepted.Tos);
        Assert.Equal(-Linux.EINVAL, global.TclassOnIpv4);
    }

    private sealed class Globals
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
        public int TclassOnIpv4 { get; set; }
    }

    /// <summary>progs/test_tcpbpf_kern.c, line by line but for the IPv4 counterparts.</summary>
    private sealed class TcpbpfProgram : SockOpsProgram
    {
        private const int IpHeaderBytes = 20;
        private const int TcpHeaderBytes = 20;
        private const byte TcpSynBit = 0x02;

        public Globals Global { get; } = new();

        public override string Name => "test_tcpbpf_kern";

        public override int Run(SockOpsContext skops)
        {
            var header = new byte[IpHeaderBytes + TcpHeaderBytes];
            var windowClamp = 9216;
            var saveSyn = 1;
            var rv = -1;
            var op = (int)skops.op;
            Global.EventMap |= 1u << op;
            switch (op)
            {
                case Linux.BPF_SOCK_OPS_TCP_CONNECT_CB:
                    rv = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, windowClamp);
                    break;
                case Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                    // Test failure to set largest cb flag (assumes not defined).
                    Global.BadCbTestRv = skops.bpf_sock_ops_cb_flags_set(0x80);
                    Global.GoodCbTestRv = skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_STATE_CB_FLAG);
                    break;
                case Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
                    skops.sk_txhash = 0x12345f;
                    Global.TclassOnIpv4 = skops.SetSockOpt(Linux.SOL_IPV6, Linux.IPV6_TCLASS, 0xff);
                    rv = skops.SetSockOpt(Linux.SOL_IP, Linux.IP_TOS, 0xff);
                    if (skops.family == Linux.AF_INET)
                    {
                        var v = skops.bpf_getsockopt(Linux.IPPROTO_TCP, Linux.TCP_SAVED_SYN, header, header.Length);
                        if (v == 0)
                        {
                            Global.TcpSavedSyn = (header[IpHeaderBytes + 13] & TcpSynBit) != 0 ? 1 : 0;
                        }
                    }

                    rv = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, windowClamp);
                    break;
                case Linux.BPF_SOCK_OPS_RTO_CB:
                case Linux.BPF_SOCK_OPS_RETRANS_CB:
                    break;
                case Linux.BPF_SOCK_OPS_STATE_CB:
                    if (skops.args[1] == Linux.BPF_TCP_CLOSE)
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
                    }

                    break;
                case Linux.BPF_SOCK_OPS_TCP_LISTEN_CB:
                    skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_STATE_CB_FLAG);
                    Global.TcpSaveSyn = skops.SetSockOpt(Linux.IPPROTO_TCP, Linux.TCP_SAVE_SYN, saveSyn);
                    break;
                default:
                    rv = -1;
                    break;
            }

            skops.reply = unchecked((uint)rv);
            return 1;
        }
    }
}
