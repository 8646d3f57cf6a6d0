using NetSim.Sim.Kernel;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest tcp_rtt (tools/testing/selftests/bpf/progs/tcp_rtt.c and
/// prog_tests/tcp_rtt.c), ported: the program turns RTT_CB on in TCP_CONNECT_CB and, on each
/// RTT_CB, counts the call and copies dsack_dups, delivered, delivered_ce and icsk_retransmits
/// from bpf_tcp_sock() into per-socket storage. After connect(): one call, the SYN delivered;
/// after one byte is written and acknowledged: two calls, two delivered, the rest 0.
/// </summary>
public class TcpRttSelftestTests
{
    [Fact]
    public void TheCountsAfterTheHandshakeAndAfterOneByteAreTheSelftests()
    {
        var net = new Loopback();
        var program = new TcpRttProgram();
        net.ClientPrograms.Attach(program);
        net.ServerStack.Listen(12345);
        var client = net.ClientStack.Connect(net.Server.Address, 12345);
        net.Simulation.Run(SimTime.FromMilliseconds(5));

        Assert.Equal(new TcpRttStorage { Invoked = 1, DsackDups = 0, Delivered = 1, DeliveredCe = 0, IcskRetransmits = 0 }, program.Storage.Get(client, create: false));

        client.Write(1);
        net.Simulation.Run(SimTime.FromMilliseconds(300));

        Assert.Equal(0, client.PacketsOut);
        Assert.Equal(new TcpRttStorage { Invoked = 2, DsackDups = 0, Delivered = 2, DeliveredCe = 0, IcskRetransmits = 0 }, program.Storage.Get(client, create: false));
    }

    private sealed record TcpRttStorage
    {
        public uint Invoked { get; set; }
        public uint DsackDups { get; set; }
        public uint Delivered { get; set; }
        public uint DeliveredCe { get; set; }
        public uint IcskRetransmits { get; set; }
    }

    /// <summary>progs/tcp_rtt.c, line by line.</summary>
    private sealed class TcpRttProgram : SockOpsProgram
    {
        public SocketStorage<TcpRttStorage> Storage { get; } = new();

        public override string Name => "tcp_rtt";

        public override int Run(SockOpsContext ctx)
        {
            var op = (int)ctx.op;
            var sk = ctx.sk;
            if (sk is null)
            {
                return 1;
            }

            var storage = Storage.Get(ctx, create: true);
            if (storage is null)
            {
                return 1;
            }

            if (op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB)
            {
                ctx.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_RTT_CB_FLAG);
                return 1;
            }

            if (op != Linux.BPF_SOCK_OPS_RTT_CB)
            {
                return 1;
            }

            var tcp_sk = Linux.bpf_tcp_sock(sk);
            if (tcp_sk is null)
            {
                return 1;
            }

            storage.Invoked++;
            storage.DsackDups = tcp_sk.dsack_dups;
            storage.Delivered = tcp_sk.delivered;
            storage.DeliveredCe = tcp_sk.delivered_ce;
            storage.IcskRetransmits = tcp_sk.icsk_retransmits;
            return 1;
        }
    }
}
