using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;

namespace NetSim.Sim.Tests;

public class LossModelTests
{
    private static List<bool> Decisions(ILossModel model, int n)
    {
        var packet = QueueTestPackets.Make();
        return [.. Enumerable.Range(0, n).Select(_ => model.ShouldDrop(packet))];
    }

    /// <summary>
    /// The estimate's standard deviation is sqrt(n (v + s (1 + rho) / (1 - rho))) / n, with v the per-packet
    /// loss variance, s the variance of the per-state loss rate and rho = 1 - p - r: about 0.22% and 0.14%
    /// of the mean for these two channels, so 1% is over four standard deviations. A channel with rare, long
    /// bad periods (p = 0.001, r = 0.1) has about 5% and would need far more than 10^6 packets for 1%.
    /// </summary>
    [Theory]
    [InlineData(0.2, 0.6, 0.1, 0.6)]
    [InlineData(0.3, 0.7, 0.2, 0.9)]
    public void GilbertElliottLosesItsAnalyticMeanOverAMillionPackets(double p, double r, double lossGood, double lossBad)
    {
        var model = new GilbertElliottLoss(p, r, lossGood, lossBad, new RandomStreams(11).Get("ge"));
        var expected = ((r * lossGood) + (p * lossBad)) / (p + r);
        Assert.Equal(expected, model.MeanLossRate, 12);

        var lost = Decisions(model, 1_000_000).Count(d => d);

        Assert.InRange(lost / 1e6, expected * 0.99, expected * 1.01);
    }

    [Fact]
    public void GilbertElliottLossesComeInBursts()
    {
        // Bad state lasts 1/r = 4 packets on average and loses everything: the mean burst is 4, far above Bernoulli's 1.
        var model = new GilbertElliottLoss(0.01, 0.25, 0, 1, new RandomStreams(3).Get("ge"));
        var decisions = Decisions(model, 200_000);
        var bursts = new List<int>();
        var run = 0;
        foreach (var lost in decisions)
        {
            if (lost)
            {
                run++;
            }
            else if (run > 0)
            {
                bursts.Add(run);
                run = 0;
            }
        }

        Assert.InRange(bursts.Average(), 3.6, 4.4);
    }

    public static TheoryData<string> Models => ["bernoulli", "gilbert-elliott"];

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryRandomLossModelRepeatsUnderTheSameSeedAndDiffersUnderAnother(string kind)
    {
        ILossModel Make(ulong seed) => kind == "bernoulli"
            ? new BernoulliLoss(0.1, new RandomStreams(seed).Get("loss"))
            : new GilbertElliottLoss(0.05, 0.3, 0.01, 0.9, new RandomStreams(seed).Get("loss"));

        Assert.Equal(Decisions(Make(5), 10_000), Decisions(Make(5), 10_000));
        Assert.NotEqual(Decisions(Make(5), 10_000), Decisions(Make(6), 10_000));
    }

    [Fact]
    public void PeriodicLossDropsEveryPeriodthPacketStartingWithThePeriodth()
    {
        var drops = Decisions(new PeriodicLoss(3), 9);

        Assert.Equal([false, false, true, false, false, true, false, false, true], drops);
    }

    [Fact]
    public void ScheduledLossDropsExactlyTheListedOrdinalsAndEverythingDuringAnOutage()
    {
        var loss = new ScheduledLoss(2, 4);
        var drops = Decisions(loss, 5);
        loss.Outage = true;
        drops.AddRange(Decisions(loss, 1));

        Assert.Equal([false, true, false, true, false, true], drops);
    }

    [Fact]
    public void ScheduledLossDropsASegmentByItsRelativeSequenceNumberTheListedNumberOfTimes()
    {
        var client = Ipv4Address.Parse("10.0.0.1");
        var server = Ipv4Address.Parse("10.0.0.2");
        var loss = new ScheduledLoss([], [new SegmentMatch(client, server, 80, RelativeSequence: 1461, Times: 2)]);

        Packet Segment(uint seq, int payload, TcpFlags flags = TcpFlags.Ack)
        {
            var p = QueueTestPackets.Make(payload);
            p.Source = client;
            p.Destination = server;
            p.DestinationPort = 80;
            p.SequenceNumber = seq;
            p.Flags = flags;
            return p;
        }

        const uint isn = 0xFFFF_FF00;
        var decisions = new[]
        {
            loss.ShouldDrop(Segment(isn, 0, TcpFlags.Syn)),
            loss.ShouldDrop(Segment(isn + 1, 1460)),
            loss.ShouldDrop(Segment(unchecked(isn + 1461), 1460)),
            loss.ShouldDrop(Segment(unchecked(isn + 1461), 1460)),
            loss.ShouldDrop(Segment(unchecked(isn + 1461), 1460)),
        };

        Assert.Equal([false, false, true, true, false], decisions);
    }
}
