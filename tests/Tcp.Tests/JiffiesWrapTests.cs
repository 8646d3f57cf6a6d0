using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Tests;

/// <summary>
/// tcp_jiffies32 starts at Linux's INITIAL_JIFFIES and wraps 300 s into a run, as a kernel's does
/// five minutes after boot, so every use of it has to survive the wrap. A connection that
/// alternates bursts and idle spells (restart after idle, the algorithms' epochs and ProbeRTT
/// timers, TCP_INFO's ages) behaves the same when its life straddles the wrap as when it does not:
/// its window, second by second from its start, is the same.
/// </summary>
public class JiffiesWrapTests
{
    [Theory]
    [InlineData("cubic")]
    [InlineData("reno")]
    [InlineData("bbr")]
    [InlineData("bbr3")]
    [InlineData("htcp")]
    [InlineData("illinois")]
    [InlineData("nv")]
    public void AConnectionAcrossTheWrapBehavesAsOneBeforeIt(string algorithm)
    {
        var beforeWrap = WindowEvery100Ms(algorithm, SimTime.FromSeconds(100));
        var acrossWrap = WindowEvery100Ms(algorithm, SimTime.FromSeconds(296));

        Assert.Equal(beforeWrap, acrossWrap);
    }

    /// <summary>cwnd every 100 ms for 12 s of a connection opened at <paramref name="start"/> that writes 300 KB every 2 s and idles between.</summary>
    private static List<uint> WindowEvery100Ms(string algorithm, SimTime start)
    {
        var settings = TcpSettings.Linux with { Congestion = algorithm };
        var net = new TwoHostNetwork(settings: settings, forwardLoss: 0.002);
        net.ServerStack.Listen(5001);
        net.Simulation.Run(start);
        var connection = net.ClientStack.Connect(net.Server.Address, 5001);
        for (var burst = 0; burst < 6; burst++)
        {
            net.Simulation.Schedule(start + SimTime.FromMilliseconds(100 + (2_000 * burst)), () => connection.Write(300_000));
        }

        var windows = new List<uint>();
        for (var t = SimTime.FromMilliseconds(100); t <= SimTime.FromSeconds(12); t += SimTime.FromMilliseconds(100))
        {
            net.Simulation.Run(start + t);
            windows.Add(connection.Window.Cwnd);
        }

        return windows;
    }
}
