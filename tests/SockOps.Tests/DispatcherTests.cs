using NetSim.Sim.Network.Loss;
using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>tcp_call_bpf() and the cgroup program array: order, shared context, return values (SOCKOPS.md §0).</summary>
public class DispatcherTests
{
    [Fact]
    public void TimeoutInitReplySetsTheSynRtoInJiffies()
    {
        var net = new Loopback(new KernelModel(KernelVersion.Newest, 250), new ScheduledLoss { Outage = true });
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TIMEOUT_INIT)
                {
                    skops.reply = 10;
                }

                return 1;
            },
        });
        var retransmits = new List<SimTime>();
        net.ClientStack.ConnectionCreated = c => c.Observer = new RetransmissionTimes(retransmits);
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(100));

        // 10 jiffies at HZ 250 = 40 ms; the first four SYN retransmissions keep it (tcp_syn_linear_timeouts).
        Assert.Equal(
            [SimTime.FromMilliseconds(40), SimTime.FromMilliseconds(80)],
            retransmits);
    }

    [Fact]
    public void ProgramsRunInAttachOrderSharingOneContext()
    {
        var net = new Loopback();
        uint seenBySecond = 0;
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TIMEOUT_INIT)
                {
                    skops.reply = 123;
                }

                return 1;
            },
        });
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TIMEOUT_INIT)
                {
                    seenBySecond = skops.reply;
                    skops.reply = 20;
                }

                return 1;
            },
        });
        var results = new List<int>();
        net.ClientPrograms.Invoked = i =>
        {
            if (i.Op == SockOp.TimeoutInit)
            {
                results.Add(i.Result);
            }
        };
        var connection = net.ClientStack.Connect(net.Server.Address, 80);

        Assert.Equal(123u, seenBySecond);
        Assert.Equal([20], results);
        Assert.Equal(SimTime.FromMilliseconds(20), connection.Rto);
    }

    [Fact]
    public void AProgramReturningZeroMakesTheCallReturnMinusOneAndTheDefaultApplies()
    {
        var net = new Loopback();
        var ran = new List<int>();
        net.ClientPrograms.Attach(new RecordingProgram { OnRun = skops => { ran.Add(1); skops.reply = 5; return 0; } });
        net.ClientPrograms.Attach(new RecordingProgram { OnRun = _ => { ran.Add(2); return 1; } });
        var results = new List<int>();
        net.ClientPrograms.Invoked = i =>
        {
            if (i.Op == SockOp.TimeoutInit)
            {
                results.Add(i.Result);
            }
        };
        var connection = net.ClientStack.Connect(net.Server.Address, 80);

        Assert.Equal([-1], results);
        Assert.Equal(SimTime.FromSeconds(1), connection.Rto);
        Assert.Contains(2, ran);
    }

    [Fact]
    public void AThrowingProgramCountsAsReturningZeroAndIsReported()
    {
        var net = new Loopback();
        net.ClientPrograms.Attach(new RecordingProgram { OnRun = _ => throw new InvalidOperationException("boom") });
        var errors = new List<string>();
        net.ClientPrograms.Invoked = i => errors.Add(i.Error ?? string.Empty);
        var connection = net.ClientStack.Connect(net.Server.Address, 80);

        Assert.All(errors, e => Assert.Contains("InvalidOperationException: boom", e));
        Assert.Equal(SimTime.FromSeconds(1), connection.Rto);
    }

    [Fact]
    public void NoProgramMeansNoCallAndTheDefaults()
    {
        var net = new Loopback();
        var connection = net.ClientStack.Connect(net.Server.Address, 80);
        Assert.Equal(SimTime.FromSeconds(1), connection.Rto);
    }

    [Fact]
    public void OpsAKernelVersionLacksAreNotInvoked()
    {
        var net = new Loopback(new KernelModel(new KernelVersion(4, 16), 1000));
        var program = new RecordingProgram(SockOpsCallbackFlags.Rto | SockOpsCallbackFlags.State);
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(new RecordingProgram());
        net.ServerStack.Listen(80);
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromSeconds(1));

        // TCP_LISTEN_CB arrived in 4.19 and RTT_CB in 5.3: a 4.16 kernel never calls them.
        Assert.DoesNotContain(program.Calls, c => c.Op is SockOp.RttCb or SockOp.TcpListenCb);
        Assert.Contains(program.Calls, c => c.Op == SockOp.StateCb);
    }

    private sealed class RetransmissionTimes(List<SimTime> times) : ITcpConnectionObserver
    {
        public void OnStateChanged(Tcp.TcpConnection c, Tcp.TcpState from, Tcp.TcpState to)
        {
        }

        public void OnVariablesChanged(Tcp.TcpConnection c)
        {
        }

        public void OnRetransmission(Tcp.TcpConnection c, Tcp.SequenceNumber start, int length, RetransmissionCause cause) => times.Add(c.Simulation.Now);

        public void OnRetransmissionTimeout(Tcp.TcpConnection c, int retransmits)
        {
        }

        public void OnRttSample(Tcp.TcpConnection c, SimTime measured)
        {
        }
    }
}
