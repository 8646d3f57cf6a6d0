using NetSim.Sim.Kernel;
using NetSim.SockOps.Programs;
using NetSim.Tcp;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// BPF_SOCK_OPS_BASE_RTT: called only from TCP-NV's init (tcpnv_init()), answered by
/// samples/bpf/tcp_basertt_kern.c with 80 us when the connection runs nv.
/// </summary>
public class BaserttTests
{
    private static (Loopback Net, TcpConnection Client, List<SockOpsInvocation> Calls) Run(string congestion, params SockOpsProgram[] programs)
    {
        var net = new Loopback(settings: TcpSettings.Linux with { Congestion = congestion });
        var calls = new List<SockOpsInvocation>();
        foreach (var program in programs)
        {
            net.ClientPrograms.Attach(program);
        }

        net.ClientPrograms.Invoked = calls.Add;
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(5));
        return (net, client, calls);
    }

    [Fact]
    public void NvTakesTheSamplesBaseRttAndEightyPercentOfItAsTheLowerBound()
    {
        var (_, client, calls) = Run("nv", KernelSamples.Create("basertt", new Dictionary<string, int>()));

        var nv = Assert.IsType<Nv>(client.Congestion);
        Assert.Equal((80u, 64u), (nv.BaseRttUs, nv.LowerBoundRttUs));

        // After ACTIVE_ESTABLISHED_CB, from the congestion control's init (tcp_init_transfer()).
        var baseRtt = calls.Single(c => c.Op == SockOp.BaseRtt);
        Assert.Equal(80u, baseRtt.Reply);
        Assert.True(calls.IndexOf(baseRtt) > calls.FindIndex(c => c.Op == SockOp.ActiveEstablishedCb));
    }

    [Fact]
    public void OtherAlgorithmsNeverAskForABaseRtt()
    {
        var (_, _, calls) = Run("cubic", KernelSamples.Create("basertt", new Dictionary<string, int>()));

        Assert.DoesNotContain(calls, c => c.Op == SockOp.BaseRtt);
    }

    [Fact]
    public void SwitchingToNvFromAProgramAsksBaseRttInsideTheOuterOpWhoseContextSurvives()
    {
        (uint Op, uint Arg0, uint Flags)? afterSwitch = null;
        var switcher = new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
                {
                    skops.reply = 7;
                    Assert.Equal(0, skops.SetCongestion("nv"));
                    afterSwitch = (skops.op, skops.args[0], skops.bpf_sock_ops_cb_flags);
                }

                return 1;
            },
        };
        var (_, client, calls) = Run("cubic", switcher, KernelSamples.Create("basertt", new Dictionary<string, int> { ["base_rtt"] = 120 }));

        // tcp_set_congestion_control() re-inits at once: NV's init runs BASE_RTT while ACTIVE_ESTABLISHED_CB is still running.
        Assert.Equal(120u, Assert.IsType<Nv>(client.Congestion).BaseRttUs);
        Assert.Equal(((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, 7u, 0u), afterSwitch);
        Assert.Equal(120u, calls.Single(c => c.Op == SockOp.BaseRtt).Reply);

        // The log keeps the order the ops began in: BASE_RTT right after the op it ran inside.
        var outer = calls.FindIndex(c => c.Op == SockOp.ActiveEstablishedCb);
        Assert.Equal(SockOp.BaseRtt, calls[outer + 1].Op);
    }
}
