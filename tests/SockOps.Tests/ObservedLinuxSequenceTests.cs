using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The tcpbpf exchange of the kernel selftest (tools/testing/selftests/bpf/prog_tests/tcpbpf_user.c)
/// with a program that sets RTO|RETRANS|STATE|RTT in LISTEN, CONNECT and both ESTABLISHED
/// callbacks: on Linux 6.18 it produced exactly this sequence of 25 invocations (SOCKOPS.md §8).
/// </summary>
public class ObservedLinuxSequenceTests
{
    private const SockOpsCallbackFlags All4 = SockOpsCallbackFlags.Rto | SockOpsCallbackFlags.Retrans | SockOpsCallbackFlags.State | SockOpsCallbackFlags.Rtt;

    private static (List<(string Host, RecordingProgram.Call Call)> Log, Loopback Net) RunExchange()
    {
        var net = new Loopback();
        var log = new List<(string, RecordingProgram.Call)>();
        var clientProgram = new RecordingProgram(All4);
        var serverProgram = new RecordingProgram(All4);
        net.ClientPrograms.Attach(clientProgram);
        net.ServerPrograms.Attach(serverProgram);
        net.ClientPrograms.Invoked = i => log.Add(("client", clientProgram.Calls[^1]));
        net.ServerPrograms.Invoked = i => log.Add(("server", serverProgram.Calls[^1]));

        TcpbpfExchange.Run(net);
        return (log, net);
    }

    [Fact]
    public void TheInvocationSequenceMatchesLinux618()
    {
        var (log, _) = RunExchange();

        string Describe((string Host, RecordingProgram.Call Call) entry) => entry.Call.Op switch
        {
            SockOp.StateCb => $"STATE({entry.Call.Arg0}->{entry.Call.Arg1})",
            var op => op switch
            {
                SockOp.TcpListenCb => "LISTEN",
                SockOp.TcpConnectCb => "CONNECT",
                SockOp.RwndInit => "RWND_INIT",
                SockOp.TimeoutInit => "TIMEOUT_INIT",
                SockOp.NeedsEcn => "NEEDS_ECN",
                SockOp.RttCb => "RTT",
                SockOp.ActiveEstablishedCb => "ACTIVE_ESTABLISHED",
                SockOp.PassiveEstablishedCb => "PASSIVE_ESTABLISHED",
                _ => op.ToString(),
            },
        };

        Assert.Equal(
            [
                "LISTEN", "CONNECT", "RWND_INIT", "TIMEOUT_INIT", "NEEDS_ECN", "RWND_INIT", "TIMEOUT_INIT", "NEEDS_ECN",
                "RTT", "STATE(2->1)", "ACTIVE_ESTABLISHED", "RTT", "PASSIVE_ESTABLISHED", "STATE(3->1)", "RTT", "RTT",
                "STATE(1->4)", "STATE(1->8)", "STATE(8->9)", "RTT", "STATE(4->5)", "STATE(5->7)", "RTT", "STATE(9->7)",
                "STATE(10->7)",
            ],
            log.Select(Describe));
    }

    [Fact]
    public void TheServerRequestSocketOpsSeeNoFullSocketAndTcpFieldsReadZero()
    {
        var (log, _) = RunExchange();
        var requestOps = log.Where(e => e.Host == "server").Skip(1).Take(3).ToList();

        Assert.Equal([SockOp.RwndInit, SockOp.TimeoutInit, SockOp.NeedsEcn], requestOps.Select(e => e.Call.Op));
        Assert.All(requestOps, e =>
        {
            Assert.Equal(0u, e.Call.IsFullSock);
            Assert.Equal((uint)Linux.BPF_TCP_NEW_SYN_RECV, e.Call.State);
            Assert.Equal(0u, e.Call.SndCwnd);
        });
    }

    [Fact]
    public void TheClientsLastCloseSeesTheSelftestCounters()
    {
        var (log, _) = RunExchange();

        // tcpbpf_user.c: bytes_received 501 (500 + FIN), bytes_acked 1002 (SYN + 1000 + FIN), one data segment each way.
        var last = log.Last(e => e.Host == "client" && e.Call.Op == SockOp.StateCb && e.Call.Arg1 == Linux.BPF_TCP_CLOSE).Call;
        Assert.Equal(501ul, last.BytesReceived);
        Assert.Equal(1002ul, last.BytesAcked);
        Assert.Equal(1u, last.DataSegsIn);
        Assert.Equal(1u, last.DataSegsOut);
    }

    [Fact]
    public void TheAcceptedSocketInheritsTheListenersFlagsBeforePassiveEstablished()
    {
        var (log, _) = RunExchange();
        var server = log.Where(e => e.Host == "server").Select(e => e.Call).ToList();
        var passive = server.FindIndex(c => c.Op == SockOp.PassiveEstablishedCb);

        Assert.Equal(SockOp.RttCb, server[passive - 1].Op);
        Assert.Equal(All4, server[passive - 1].Flags);
    }
}
