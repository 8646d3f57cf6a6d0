using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The exchange of the kernel selftest tcpbpf (tools/testing/selftests/bpf/prog_tests/tcpbpf_user.c),
/// over the loopback with whatever programs are attached: listen, connect, accept; the client sends
/// 1000 bytes, the server reads them and sends 500; the server shuts down its side, the client reads
/// the FIN and shuts down its own; then all three sockets close.
/// </summary>
internal static class TcpbpfExchange
{
    /// <summary>Runs the exchange to its end; returns the client and the accepted socket.</summary>
    public static (TcpConnection Client, TcpConnection Accepted) Run(Loopback net)
    {
        // The selftest's single thread, one line after another; each waits for the previous one's effect.
        var listener = net.ServerStack.Listen(12345);
        TcpConnection? accepted = null;
        long serverReceived = 0;
        long clientReceived = 0;
        listener.Accepted = child =>
        {
            accepted = child;
            child.DataReceived = (c, _, n) =>
            {
                serverReceived += n;
                if (serverReceived == 1000)
                {
                    net.Then(() => c.Write(500));
                }
            };
            child.RemoteClosed = _ => net.Then(() =>
            {
                net.ClientStack.Simulation.Stop();
            });
        };
        var client = net.ClientStack.Connect(net.Server.Address, 12345);
        client.Established = c => net.Then(() => c.Write(1000));
        client.DataReceived = (_, _, n) =>
        {
            clientReceived += n;
            if (clientReceived == 500)
            {
                net.Then(() => accepted!.Shutdown());
            }
        };
        client.RemoteClosed = c => c.Shutdown();

        net.Simulation.Run(SimTime.FromSeconds(5));
        net.Simulation.Run(net.Simulation.Now + SimTime.FromMilliseconds(1));
        client.Close();
        accepted!.Close();
        listener.Close();
        return (client, accepted!);
    }
}
