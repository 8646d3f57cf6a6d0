using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

public class LinkChannelTests
{
    private sealed class Sink : INode
    {
        public List<(long Id, SimTime At)> Received { get; } = [];
        public Simulation? Simulation { get; set; }
        public string Name => "sink";
        public void Receive(Packet packet, NetworkInterface via) => Received.Add((packet.Id, Simulation!.Now));
    }

    private static (Simulation Sim, Host Sender, Sink Sink, LinkChannel Channel) Build(int queue, ILossModel? loss = null, int mtu = 1500, int framing = 0)
    {
        var sim = new Simulation(1);
        var network = new Network.Network(sim);
        var sender = network.AddHost("a", Ipv4Address.Parse("10.0.0.1"));
        var receiver = network.AddHost("b", Ipv4Address.Parse("10.0.0.2"));
        var forward = new LinkChannel(sim, network.Pool, "a->b", 10_000_000, SimTime.FromMilliseconds(20), mtu, new DropTailQueue(queue), loss ?? NoLoss.Instance, framingBytes: framing);
        var reverse = new LinkChannel(sim, network.Pool, "b->a", 10_000_000, SimTime.FromMilliseconds(20), mtu, new DropTailQueue(queue), NoLoss.Instance);
        var sink = new Sink { Simulation = sim };
        network.Connect(sender, receiver, forward, reverse);
        forward.AttachReceiver(sink, receiver.Interfaces[0]);
        return (sim, sender, sink, forward);
    }

    private static Packet Full(Host host)
    {
        var p = host.Pool.Rent();
        p.Destination = Ipv4Address.Parse("10.0.0.2");
        p.PayloadLength = 1460;
        return p;
    }

    [Fact]
    public void APacketArrivesAfterSerialisationPlusPropagation()
    {
        var (sim, sender, sink, _) = Build(queue: 10);
        sender.Send(Full(sender));
        sim.Run(SimTime.FromSeconds(1));

        // 1500 B at 10 Mbit/s is 1.2 ms on the wire, then 20 ms of propagation.
        Assert.Equal(SimTime.FromMicroseconds(21_200), Assert.Single(sink.Received).At);
    }

    [Fact]
    public void BackToBackPacketsAreSpacedByTheirTransmissionTime()
    {
        var (sim, sender, sink, _) = Build(queue: 10);
        for (var i = 0; i < 3; i++)
        {
            sender.Send(Full(sender));
        }

        sim.Run(SimTime.FromSeconds(1));

        Assert.Equal(
            [SimTime.FromMicroseconds(21_200), SimTime.FromMicroseconds(22_400), SimTime.FromMicroseconds(23_600)],
            sink.Received.Select(r => r.At));
    }

    [Fact]
    public void FramingLengthensEachTransmissionButNotThePacket()
    {
        var (sim, sender, sink, channel) = Build(queue: 10, framing: 2);
        sender.Send(Full(sender));
        sender.Send(Full(sender));
        sim.Run(SimTime.FromSeconds(1));

        // 1502 B on the wire at 10 Mbit/s: 1201.6 us each; the IP bytes counted stay 1500 each.
        Assert.Equal([SimTime.FromNanoseconds(21_201_600), SimTime.FromNanoseconds(22_403_200)], sink.Received.Select(r => r.At));
        Assert.Equal(3000, channel.Statistics.BytesTransmitted);
    }

    [Fact]
    public void ADropTailQueueDropsArrivalsWhenFull()
    {
        var (sim, sender, sink, channel) = Build(queue: 2);
        var dropped = new List<DropReason>();
        channel.PacketDropped = (_, _, reason) => dropped.Add(reason);
        for (var i = 0; i < 5; i++)
        {
            sender.Send(Full(sender));
        }

        sim.Run(SimTime.FromSeconds(1));

        // One on the wire, two queued, two dropped.
        Assert.Equal(3, sink.Received.Count);
        Assert.Equal([DropReason.QueueFull, DropReason.QueueFull], dropped);
        Assert.Equal(2, channel.Statistics.QueueDrops);
    }

    [Fact]
    public void BernoulliLossLosesAboutTheRequestedFraction()
    {
        var sim = new Simulation(3);
        var loss = new BernoulliLoss(0.01, sim.Random.Get("loss"));
        var pool = new PacketPool();
        var packet = pool.Rent();
        var lost = Enumerable.Range(0, 1_000_000).Count(_ => loss.ShouldDrop(packet));

        // Binomial(10^6, 0.01): standard deviation 99.5, so 5 sigma is about 500.
        Assert.InRange(lost, 9_500, 10_500);
    }

    [Fact]
    public void ScheduledLossDropsExactlyTheListedOrdinalsAndEverythingDuringAnOutage()
    {
        var loss = new ScheduledLoss(2, 4);
        var packet = new PacketPool().Rent();
        var drops = Enumerable.Range(0, 5).Select(_ => loss.ShouldDrop(packet)).ToList();
        loss.Outage = true;
        drops.Add(loss.ShouldDrop(packet));

        Assert.Equal([false, true, false, true, false, true], drops);
    }

    [Fact]
    public void APacketLargerThanTheMtuIsAConfigurationError()
    {
        var (_, sender, _, _) = Build(queue: 10, mtu: 576);
        var error = Assert.Throws<InvalidOperationException>(() => sender.Send(Full(sender)));
        Assert.Contains("exceeds the MTU of 576", error.Message);
    }
}
