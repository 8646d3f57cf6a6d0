using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest setget_sockopt (prog_tests/setget_sockopt.c, test_ktls() without its TLS
/// records): a listener, a client that connects, the accepted socket; the client closes, so the
/// accepted socket moves to CLOSE_WAIT and reads EOF, then closes. The program of
/// <see cref="SetgetSockoptProgram"/> runs on both hosts.
/// </summary>
public class SetgetSockoptSelftestTests
{
    private static SetgetSockoptProgram Exchange(KernelVersion version)
    {
        var net = new Loopback(new KernelModel(version, 1000));
        var program = new SetgetSockoptProgram();
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(program);
        var listener = net.ServerStack.Listen(12345);
        Tcp.TcpConnection? accepted = null;
        listener.Accepted = child =>
        {
            accepted = child;
            child.RemoteClosed = c => net.Then(c.Close);
        };
        var client = net.ClientStack.Connect(net.Server.Address, 12345);
        client.Established = c => net.Then(c.Close);
        net.Simulation.Run(SimTime.FromSeconds(1));
        Assert.NotNull(accepted);
        listener.Close();
        return program;
    }

    [Fact]
    public void EveryOptionReadsSetsReadsBackAndRestoresOnTheNewestKernel()
    {
        var program = Exchange(KernelVersion.Newest);

        Assert.Empty(program.Failures);
        Assert.Equal((1, 1, 1, 1, 1), (program.NrListen, program.NrConnect, program.NrActive, program.NrPassive, program.NrFinWait1));
    }

    [Fact]
    public void BeforeLinux61TheHelpersLackTheOptionsTheSelftestNeeds()
    {
        // 5.15's helpers neither set SO_REUSEADDR nor read most options back: every callback's round fails at its first test.
        var program = Exchange(new KernelVersion(5, 15));

        Assert.Equal((0, 0, 0, 0, 0), (program.NrListen, program.NrConnect, program.NrActive, program.NrPassive, program.NrFinWait1));
        Assert.All(program.Failures, failure => Assert.EndsWith("SOL_SOCKET, SO_REUSEADDR", failure));
    }
}
