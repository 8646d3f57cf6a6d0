using NetSim.Sim.Kernel;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest tcp_rtt (tools/testing/selftests/bpf/progs/tcp_rtt.c and
/// prog_tests/tcp_rtt.c), ported: the program turns RTT_CB on in TCP_CONNECT_CB and, on each
/// RTT_CB, counts the call and copies dsack_dups, delivered, delivered_ce and icsk_retransmits
/// from bpf_tcp_sock() into per-socket storage. After connect(): one call, the SYN delivered;
/// after one byte is written and acknowledged: two calls, two delivered, the rest 0. The program
/// is builtin:tcp_rtt.
/// </summary>
public class TcpRttSelftestTests
{
    [Fact]
    public void TheCountsAfterTheHandshakeAndAfterOneByteAreTheSelftests()
    {
        var net = new Loopback();
        var program = new Programs.TcpRttProgram();
        net.ClientPrograms.Attach(program);
        net.ServerStack.Listen(12345);
        var client = net.ClientStack.Connect(net.Server.Address, 12345);
        net.Simulation.Run(SimTime.FromMilliseconds(5));

        Assert.Equal(new Programs.TcpRttProgram.Storage { Invoked = 1, DsackDups = 0, Delivered = 1, DeliveredCe = 0, IcskRetransmits = 0 }, program.SocketStorageMap.Get(client, create: false));

        client.Write(1);
        net.Simulation.Run(SimTime.FromMilliseconds(300));

        Assert.Equal(0, client.PacketsOut);
        Assert.Equal(new Programs.TcpRttProgram.Storage { Invoked = 2, DsackDups = 0, Delivered = 2, DeliveredCe = 0, IcskRetransmits = 0 }, program.SocketStorageMap.Get(client, create: false));
    }
}
