using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>LEDBAT (RFC 6817) as ns-3's TcpLedbat runs it: a window that seeks a queuing delay of 100 ms, read from the ACKs' timestamps.</summary>
public class LedbatTests
{
    /// <summary>20 Mbit/s, 20 ms each way, a 300-packet queue (180 ms at the link's rate), 8 MiB buffers.</summary>
    private static TwoHostNetwork Path(string congestion, bool timestamps = true) =>
        new(rateBps: 20_000_000, delayMs: 20, queuePackets: 300,
            settings: TcpSettings.Linux with { Congestion = congestion, Timestamps = timestamps, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20 });

    [Fact]
    public void WithoutTimestampsItIsNewReno()
    {
        var ledbat = Path("ledbat", timestamps: false);
        var newReno = Path("rfc5681", timestamps: false);
        var (ledbatSink, _) = ledbat.StartBulk();
        var (newRenoSink, _) = newReno.StartBulk();
        ledbat.Simulation.Run(SimTime.FromSeconds(10));
        newReno.Simulation.Run(SimTime.FromSeconds(10));

        Assert.Equal(newRenoSink.BytesReceived, ledbatSink.BytesReceived);
    }

    [Fact]
    public void AloneItHoldsTheQueueNearItsTargetAndKeepsTheLinkBusy()
    {
        var net = Path("ledbat");
        var (sink, sender) = net.StartBulk();
        net.Simulation.Run(SimTime.FromSeconds(20));
        var bytes = sink.BytesReceived;
        var retransmissions = sender.Connection!.Statistics.TotalRetransmissions;
        var srttMs = new List<double>();
        for (var ms = 20_100; ms <= 40_000; ms += 100)
        {
            net.Simulation.Run(SimTime.FromMilliseconds(ms));
            srttMs.Add(sender.Connection!.Rtt.SrttUs8 / 8000.0);
        }

        // The 40 ms path plus about the 100 ms the window aims at; drop-tail Reno would fill the 180 ms.
        Assert.InRange(srttMs.Average(), 120, 150);
        Assert.All(srttMs, ms => Assert.InRange(ms, 100, 180));
        Assert.InRange(((Ledbat)sender.Connection!.Congestion).QueuingDelayMs, 60, 120);
        Assert.True((sink.BytesReceived - bytes) * 8 / 20.0 > 19e6);

        // Past the first slow start's overshoot the queue never overflows.
        Assert.Equal(retransmissions, sender.Connection.Statistics.TotalRetransmissions);
    }

    [Fact]
    public void DelaysAreComparedAsSequenceNumbersAcrossTheWrap()
    {
        var history = new DelayHistory(4);
        history.Append(0xFFFF_FFF0);
        history.Append(5);
        Assert.Equal(0xFFFF_FFF0u, history.Minimum);

        // The list keeps the last four; the base list's last entry only falls.
        history.Append(10);
        history.Append(20);
        history.Append(30);
        Assert.Equal(5u, history.Minimum);
        history.LowerLast(40);
        history.LowerLast(1);
        Assert.Equal(1u, history.Minimum);
    }
}
