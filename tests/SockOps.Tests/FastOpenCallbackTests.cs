using NetSim.Sim.Network;
using NetSim.Tcp;
using NetSim.Tcp.FastOpen;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// A Fast Open child is a full socket from its SYN on: Linux tcp_fastopen_create_child() asks
/// TIMEOUT_INIT of the child and runs tcp_init_transfer(), with PASSIVE_ESTABLISHED_CB, while the
/// child is still in SYN-RECV and before the SYN's data is queued.
/// </summary>
public class FastOpenCallbackTests
{
    private static readonly FastOpenKeys Keys = new(new FastOpenKey(0x0123456789abcdef, 0xfedcba9876543210));

    private static (Loopback Net, RecordingProgram Program, TcpConnection Listener) ServerWithFastOpen()
    {
        var net = new Loopback(settings: TcpSettings.Linux with { FastOpen = FastOpenMode.ClientEnable | FastOpenMode.ServerEnable, FastOpenKeys = Keys });
        var program = new RecordingProgram(SockOpsCallbackFlags.State);
        net.ServerPrograms.Attach(program);
        var listener = net.ServerStack.Listen(80);
        Assert.Equal(0, listener.SetFastOpenQueue(16));
        return (net, program, listener);
    }

    private static void SendSyn(Loopback net, byte[] cookie, int payload)
    {
        var syn = net.Server.Pool.Rent();
        syn.Source = net.Client.Address;
        syn.SourcePort = 40000;
        syn.Destination = net.Server.Address;
        syn.DestinationPort = 80;
        syn.Flags = TcpFlags.Syn;
        syn.SequenceNumber = 5000;
        syn.PayloadLength = payload;
        syn.Window = 65535;
        syn.MssOption = 1460;
        syn.SackPermitted = true;
        syn.FastOpen = new FastOpenOption(cookie, experimental: false);
        net.ServerStack.HandlePacket(syn);
    }

    [Fact]
    public void TheChildIsEstablishedForProgramsInSynRecvBeforeItsData()
    {
        var (net, program, listener) = ServerWithFastOpen();

        SendSyn(net, Keys.Primary.Cookie(net.Client.Address, net.Server.Address), payload: 300);

        Assert.Equal(
            [SockOp.TcpListenCb, SockOp.RwndInit, SockOp.NeedsEcn, SockOp.TimeoutInit, SockOp.PassiveEstablishedCb],
            program.Calls.Select(c => c.Op));
        var timeoutInit = program.Calls[3];
        var established = program.Calls[4];
        Assert.Equal(1u, timeoutInit.IsFullSock);
        Assert.Equal(1u, established.IsFullSock);
        Assert.Equal((uint)Linux.BPF_TCP_SYN_RECV, established.State);
        Assert.Equal(0ul, established.BytesReceived);

        var child = listener.Accept();
        Assert.NotNull(child);
        Assert.Equal(TcpState.SynReceived, child.State);
        Assert.True(child.SynDataAcked);
        Assert.Equal(300, child.Statistics.BytesReceived);
    }

    [Fact]
    public void AWrongCookieLeavesARequestSocketAndNoChildToAccept()
    {
        var (net, program, listener) = ServerWithFastOpen();

        SendSyn(net, new byte[8], payload: 300);

        Assert.Equal([SockOp.TcpListenCb, SockOp.RwndInit, SockOp.TimeoutInit, SockOp.NeedsEcn], program.Calls.Select(c => c.Op));
        Assert.All(program.Calls.Skip(1), c => Assert.Equal(0u, c.IsFullSock));
        Assert.Null(listener.Accept());
    }
}
