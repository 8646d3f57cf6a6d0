using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>TCP pacing for algorithms that do not ask for it: the fq qdisc's rate, and SO_MAX_PACING_RATE.</summary>
public class PacingTests
{
    [Fact]
    public void SoMaxPacingRateCapsTheSendingRate()
    {
        // 1,250,000 payload bytes per second is 10 Mbit/s of goodput, on a 1 Gbit/s path.
        var (sink, sender, net) = Bulk(TcpSettings.Linux);
        net.Simulation.Run(SimTime.FromMilliseconds(100));
        sender.Connection!.SetMaxPacingRate(1_250_000);
        var before = sink.BytesReceived;
        net.Simulation.Run(SimTime.FromSeconds(5.1));

        var goodput = (sink.BytesReceived - before) * 8 / 5e6;
        Assert.InRange(goodput, 9.5, 10.1);
        Assert.True(sender.Connection.PacingEnabled);
    }

    [Fact]
    public void WithFqEveryAlgorithmIsPacedAtTwiceItsRateInSlowStart()
    {
        var (_, sender, net) = Bulk(TcpSettings.Linux with { Pacing = true, Hystart = Congestion.HystartMode.Off });
        var departures = new List<SimTime>();
        net.Forward.TransmissionStarted = (_, p) =>
        {
            if (p.PayloadLength > 0)
            {
                departures.Add(net.Simulation.Now);
            }
        };
        net.Simulation.Run(SimTime.FromMilliseconds(70));
        var connection = sender.Connection!;

        // tcp_update_pacing_rate(): 200% of cwnd x MSS / srtt below half ssthresh.
        var expected = 2.0 * connection.Window.Cwnd * connection.Mss / (connection.Rtt.SrttUs8 / 8e6);
        Assert.InRange(connection.PacingRate, 0.9 * expected, 1.1 * expected);

        // Pacing holds TSO packets, not segments (tcp_pacing_check() per skb): a packet's segments
        // leave back to back (12 us apart at 1 Gbit/s), about a millisecond of the pacing rate and
        // two segments at least (tcp_tso_autosize()). Unpaced, slow start sends its segments as
        // fast as the ACKs come back, 12 to 24 us apart; paced, packets leave at least their
        // length at the pacing rate apart once ten segments have gone.
        var gaps = departures.Skip(10).Zip(departures.Skip(11), (a, b) => (b - a).Nanoseconds).ToList();
        var spacing = connection.Mss * 1e9 / connection.PacingRate;
        const long backToBack = 13_000;
        var betweenPackets = gaps.Where(g => g > backToBack).ToList();
        Assert.NotEmpty(betweenPackets);
        Assert.True(betweenPackets.Min() >= 0.4 * spacing, $"smallest gap between packets {betweenPackets.Min()} ns, pacing spacing {spacing:F0} ns");

        var longestPacket = Math.Max(2, (int)((connection.PacingRate >> 10) / (ulong)connection.Mss));
        var run = 1;
        foreach (var gap in gaps)
        {
            run = gap <= backToBack ? run + 1 : 1;
            Assert.True(run <= longestPacket, $"{run} segments back to back, a TSO packet holds {longestPacket}");
        }
    }

    private static (SinkApplication Sink, BulkSendApplication Sender, TwoHostNetwork Net) Bulk(TcpSettings settings)
    {
        settings = settings with { ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20 };
        var net = new TwoHostNetwork(rateBps: 1_000_000_000, delayMs: 10, queuePackets: 10_000, settings: settings);
        var sink = new SinkApplication(net.ServerStack, 5001, settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk");
        sender.Install();
        return (sink, sender, net);
    }
}
