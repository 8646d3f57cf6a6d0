using System.Text;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.SockOps.Tests;

/// <summary>bpf_setsockopt() and bpf_getsockopt() as net/core/filter.c implements them (SOCKOPS.md §4).</summary>
public class SockoptTests
{
    /// <summary>Runs <paramref name="action"/> in the op given on the client (or the server's request socket for NEEDS_ECN) and returns the client connection.</summary>
    private static Tcp.TcpConnection RunIn(int op, Action<SockOpsContext> action, bool server = false)
    {
        var net = new Loopback();
        var program = new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == op)
                {
                    action(skops);
                }

                return 1;
            },
        };
        (server ? net.ServerPrograms : net.ClientPrograms).Attach(program);
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));
        return client;
    }

    [Fact]
    public void TcpCongestionSwitchesTheAlgorithmAndReadsBackItsName()
    {
        int? set = null;
        int? get = null;
        var name = new byte[Linux.TCP_CA_NAME_MAX];
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            var value = "vegas\0"u8.ToArray();
            set = skops.bpf_setsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, value, value.Length);
            get = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, name, name.Length);
        });

        Assert.Equal((0, 0), (set, get));
        Assert.Equal("vegas", Encoding.ASCII.GetString(name).TrimEnd('\0'));
        Assert.IsType<Vegas>(client.Congestion);
    }

    [Theory]
    [InlineData("bbr9\0", 5, -Linux.ENOENT)]
    [InlineData("r", 1, -Linux.EINVAL)]
    [InlineData("renoXXXX", 4, 0)]
    public void TcpCongestionTakesOptlenBytesAndRefusesUnknownNames(string value, int optlen, int expected)
    {
        int? result = null;
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
            result = skops.bpf_setsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, Encoding.ASCII.GetBytes(value), optlen));

        Assert.Equal(expected, result);
        Assert.Equal(expected == 0 ? "reno" : "cubic", client.Congestion.Name);
    }

    [Fact]
    public void OnARequestSocketEveryOptionIsInvalid()
    {
        int? result = null;
        RunIn(Linux.BPF_SOCK_OPS_NEEDS_ECN, skops =>
        {
            if (skops.is_fullsock == 0)
            {
                result = skops.SetCongestion("reno");
            }
        }, server: true);

        Assert.Equal(-Linux.EINVAL, result);
    }

    [Fact]
    public void TcpBpfIwSetsCwndBeforeDataAndIsSetOnly()
    {
        int? set = null;
        int? get = null;
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            set = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_IW, 40);
            get = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_IW, new byte[4], 4);
        });

        Assert.Equal((0, -Linux.EINVAL), (set, get));
        Assert.Equal(40u, client.Window.Cwnd);
    }

    [Fact]
    public void TcpBpfSndcwndClampSetsTheClampAndSsthresh()
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops => Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, 100)));

        Assert.Equal((100u, 100u), (client.Window.CwndClamp, client.Window.Ssthresh));
    }

    [Fact]
    public void SoMaxPacingRateTurnsPacingOnAndReadsBack()
    {
        var value = new byte[4];
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, 125_000));
            Assert.Equal(0, skops.bpf_getsockopt(Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, value, 4));
        });

        Assert.Equal(125_000, BitConverter.ToInt32(value));
        Assert.True(client.PacingEnabled);
        Assert.Equal(125_000UL, client.MaxPacingRate);
    }
}
