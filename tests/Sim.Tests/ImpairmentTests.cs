using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

public class ImpairmentTests
{
    private sealed class Recorder(Simulation sim) : INode
    {
        public List<(long Id, SimTime At)> Arrivals { get; } = [];
        public int Corrupted { get; private set; }
        public string Name => "sink";

        public void Receive(Packet packet, NetworkInterface via)
        {
            Arrivals.Add((packet.Id, sim.Now));
            Corrupted += packet.Corrupted ? 1 : 0;
        }
    }

    private static (Recorder Sink, LinkChannel Channel) SendThrough(Impairments impairments, int packets, ulong seed = 1)
    {
        var sim = new Simulation(seed);
        var network = new Network.Network(sim);
        var a = network.AddHost("a", Ipv4Address.Parse("10.0.0.1"));
        var b = network.AddHost("b", Ipv4Address.Parse("10.0.0.2"));
        var forward = new LinkChannel(sim, network.Pool, "a->b", 1_000_000_000, SimTime.FromMilliseconds(10), 1500,
            new DropTailQueue(100_000), NoLoss.Instance, impairments, sim.Random.Get("impair"));
        var reverse = new LinkChannel(sim, network.Pool, "b->a", 1_000_000_000, SimTime.FromMilliseconds(10), 1500,
            new DropTailQueue(100), NoLoss.Instance);
        network.Connect(a, b, forward, reverse);
        var sink = new Recorder(sim);
        forward.AttachReceiver(sink, b.Interfaces[0]);
        for (var i = 0; i < packets; i++)
        {
            var p = a.Pool.Rent();
            p.Destination = b.Address;
            p.PayloadLength = 1460;
            a.Send(p);
        }

        sim.Run(SimTime.FromSeconds(10));
        return (sink, forward);
    }

    private static int Inversions(List<(long Id, SimTime At)> arrivals)
    {
        var inversions = 0;
        var highest = long.MinValue;
        foreach (var (id, _) in arrivals)
        {
            if (id < highest)
            {
                inversions++;
            }

            highest = Math.Max(highest, id);
        }

        return inversions;
    }

    [Fact]
    public void JitterKeepsFifoOrderUnlessReorderingIsAskedFor()
    {
        var (fifo, _) = SendThrough(new Impairments(JitterMax: SimTime.FromMilliseconds(5)), 5000);
        Assert.Equal(5000, fifo.Arrivals.Count);
        Assert.Equal(0, Inversions(fifo.Arrivals));
        Assert.True(fifo.Arrivals.Zip(fifo.Arrivals.Skip(1)).All(p => p.First.At <= p.Second.At));

        var (free, _) = SendThrough(new Impairments(JitterMax: SimTime.FromMilliseconds(5), JitterReorders: true), 5000);
        Assert.True(Inversions(free.Arrivals) > 100);
    }

    [Fact]
    public void AFractionOfPacketsIsDelayedAndOvertaken()
    {
        var (sink, channel) = SendThrough(new Impairments(ReorderFraction: 0.1, ReorderExtraDelay: SimTime.FromMilliseconds(1)), 20_000);

        Assert.Equal(20_000, sink.Arrivals.Count);
        Assert.InRange(channel.Statistics.PacketsReordered, 1800, 2200);

        // 1 ms is about 83 packet times at 1 Gbit/s, so every delayed packet is overtaken.
        Assert.Equal(channel.Statistics.PacketsReordered, Inversions(sink.Arrivals));
    }

    [Fact]
    public void DuplicatesArriveAsWellAsTheOriginals()
    {
        var (sink, channel) = SendThrough(new Impairments(DuplicateFraction: 0.05), 20_000);

        Assert.InRange(channel.Statistics.PacketsDuplicated, 850, 1150);
        Assert.Equal(20_000 + channel.Statistics.PacketsDuplicated, sink.Arrivals.Count);
    }

    [Fact]
    public void ImpairmentsRepeatUnderTheSameSeed()
    {
        var impairments = new Impairments(0.05, SimTime.FromMilliseconds(1), 0.02, SimTime.FromMilliseconds(2));
        Assert.Equal(SendThrough(impairments, 3000, seed: 9).Sink.Arrivals, SendThrough(impairments, 3000, seed: 9).Sink.Arrivals);
        Assert.NotEqual(SendThrough(impairments, 3000, seed: 9).Sink.Arrivals, SendThrough(impairments, 3000, seed: 10).Sink.Arrivals);
    }

    [Fact]
    public void CorruptionMarksAboutItsFractionOfPacketsWhichStillArrive()
    {
        var (sink, channel) = SendThrough(new Impairments(CorruptFraction: 0.1), 10_000);

        Assert.Equal(10_000, sink.Arrivals.Count);
        Assert.Equal(channel.Statistics.PacketsCorrupted, sink.Corrupted);

        // Binomial(10000, 0.1): mean 1000, standard deviation 30; five deviations either way.
        Assert.InRange(sink.Corrupted, 850, 1150);
    }
}
