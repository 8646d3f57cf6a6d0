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
        var program = new Programs.TcpbpfProgram();
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
}
