using NetSim.Sim.Kernel;
using NetSim.SockOps.Programs;
using NetSim.Tcp;

namespace NetSim.SockOps.Tests;

/// <summary>The samples/bpf tuning programs (tcp_synrto, tcp_rwnd, tcp_bufs, tcp_iw, tcp_clamp), attached to both ends as a cgroup would be.</summary>
public class KernelSampleTests
{
    private sealed class Exchange
    {
        public Exchange(string sample, IReadOnlyDictionary<string, int>? parameters = null)
        {
            Net = new Loopback();
            var program = KernelSamples.Create(sample, parameters ?? new Dictionary<string, int>());
            Net.ClientPrograms.Attach(program);
            Net.ServerPrograms.Attach(program);
            Net.ClientPrograms.Invoked = Invocations.Add;
            Net.ServerPrograms.Invoked = Invocations.Add;
            var listener = Net.ServerStack.Listen(55601);
            listener.Accepted = child => Server = child;
            Client = Net.ClientStack.Connect(Net.Server.Address, 55601);
            SynWindow = Client.RcvWnd;
            SynRto = Client.Rto;
            Net.Simulation.Run(SimTime.FromMilliseconds(5));
        }

        public Loopback Net { get; }
        public TcpConnection Client { get; }
        public TcpConnection? Server { get; private set; }
        public uint SynWindow { get; }
        public SimTime SynRto { get; }
        public List<SockOpsInvocation> Invocations { get; } = [];

        public int Reply(TcpConnection connection, Tcp.Hooks.SockOp op) => unchecked((int)Invocations.Single(i => i.Connection == connection && i.Op == op).Reply);
    }

    [Fact]
    public void SynrtoSetsTheSynRtoInJiffiesAndLeavesEveryOtherOpAtMinusOne()
    {
        var run = new Exchange("synrto");

        // HZ 1000: 10 jiffies are 10 ms.
        Assert.Equal(SimTime.FromMilliseconds(10), run.SynRto);
        Assert.Equal(10, run.Reply(run.Client, Tcp.Hooks.SockOp.TimeoutInit));
        Assert.Equal(-1, run.Reply(run.Client, Tcp.Hooks.SockOp.RwndInit));
        Assert.Equal(-1, run.Reply(run.Client, Tcp.Hooks.SockOp.ActiveEstablishedCb));
    }

    [Fact]
    public void RwndOffersFortySegmentsInTheSyn()
    {
        var run = new Exchange("rwnd");

        var segment = run.Net.Settings.Mss;
        Assert.Equal((uint)(40 * segment), run.SynWindow);
        Assert.Equal(40, run.Reply(run.Client, Tcp.Hooks.SockOp.RwndInit));
    }

    [Fact]
    public void BufsSetsBothBuffersOnBothSidesDoubled()
    {
        var run = new Exchange("bufs");

        // 1,500,000 asked, within rmem_max and wmem_max (4 MB since 6.18), doubled.
        Assert.Equal((3_000_000, 3_000_000), (run.Client.SendBufferSize, run.Client.ReceiveBufferSize));
        Assert.Equal((3_000_000, 3_000_000), (run.Server!.SendBufferSize, run.Server.ReceiveBufferSize));
        Assert.Equal(0, run.Reply(run.Client, Tcp.Hooks.SockOp.TcpConnectCb));
        Assert.Equal(0, run.Reply(run.Client, Tcp.Hooks.SockOp.ActiveEstablishedCb));
        Assert.Equal(-1, run.Reply(run.Client, Tcp.Hooks.SockOp.TimeoutInit));
    }

    [Fact]
    public void IwSetsTheClientsInitialWindowAndBothSidesBuffers()
    {
        var run = new Exchange("iw", new Dictionary<string, int> { ["iw"] = 25 });

        Assert.Equal(25u, run.Client.Window.Cwnd);
        Assert.Equal((uint)(40 * run.Net.Settings.Mss), run.SynWindow);
        Assert.Equal(3_000_000, run.Server!.SendBufferSize);
    }

    [Fact]
    public void ClampLimitsCwndOnBothSidesWithSmallerBuffersAndAShortSynRto()
    {
        var run = new Exchange("clamp");

        Assert.Equal((100u, 100u), (run.Client.Window.CwndClamp, run.Server!.Window.CwndClamp));
        Assert.Equal((300_000, 300_000), (run.Client.SendBufferSize, run.Server.ReceiveBufferSize));
        Assert.Equal(SimTime.FromMilliseconds(10), run.SynRto);
        Assert.Equal(0, run.Reply(run.Server, Tcp.Hooks.SockOp.PassiveEstablishedCb));
    }

    [Fact]
    public void TosReflectGivesTheAcceptedSocketTheTosOfTheClientsSyn()
    {
        var net = new Loopback();
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops => skops.op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB ? 1 + skops.SetSockOpt(Linux.SOL_IP, Linux.IP_TOS, 0xb8) : 1,
        });
        net.ServerPrograms.Attach(KernelSamples.Create("tos_reflect", new Dictionary<string, int>()));
        var invocations = new List<SockOpsInvocation>();
        net.ServerPrograms.Invoked = invocations.Add;
        var listener = net.ServerStack.Listen(80);
        TcpConnection? accepted = null;
        listener.Accepted = child => accepted = child;
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(5));

        Assert.Equal(1, listener.SaveSyn);
        Assert.Equal(0xb8, accepted!.Tos);
        Assert.Equal(0u, invocations.Single(i => i.Op == Tcp.Hooks.SockOp.PassiveEstablishedCb).Reply);
        Assert.Equal(uint.MaxValue, invocations.First(i => i.Op == Tcp.Hooks.SockOp.RwndInit).Reply);
    }

    [Fact]
    public void DumpstatsPrintsTheTcpCountersAtMostOncePerIntervalPerSocket()
    {
        var net = new Loopback(delayUs: 5_000);
        net.ClientPrograms.Attach(new DumpstatsProgram(1_000_000_000));
        var lines = new List<SockOpsOutput>();
        net.ClientPrograms.Output = lines.Add;
        var rtts = 0;
        net.ClientPrograms.Invoked = i => rtts += i.Op == Tcp.Hooks.SockOp.RttCb ? 1 : 0;
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(c.SendBufferSpace);
        client.SendSpaceAvailable = c => c.Write(c.SendBufferSpace);
        net.Simulation.Run(SimTime.FromSeconds(3.5));

        // RTT_CB about once per 10 ms round trip, the counters printed at 0, 1, 2 and 3 s: two lines each.
        Assert.True(rtts > 100, $"{rtts} RTT callbacks");
        Assert.Equal(8, lines.Count);
        Assert.Equal("dsack_dups=0 delivered=1", lines[0].Record);
        Assert.StartsWith("delivered_ce=0 icsk_retransmits=0", lines[1].Record, StringComparison.Ordinal);
        Assert.All(lines.Where((_, i) => i % 2 == 0).Zip(lines.Where((_, i) => i % 2 == 0).Skip(1)), p => Assert.True((p.Second.Time - p.First.Time).TotalSeconds >= 1));
    }
}
