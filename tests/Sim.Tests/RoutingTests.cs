using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Sim.Network.Routing;

namespace NetSim.Sim.Tests;

/// <summary>Static shortest-path routing on a five-node topology: h1 - r1 - r2 - h2, with a longer detour r1 - r3 - r2.</summary>
public class RoutingTests
{
    private sealed class Counter : IPacketHandler
    {
        public List<(Packet Packet, SimTime At)> Received { get; } = [];
        public Simulation? Simulation { get; init; }
        public void HandlePacket(Packet packet) => Received.Add((packet, Simulation!.Now));
        public void HandleIcmp(Packet packet) => Assert.Fail($"no ICMP error expected, got {packet}");
    }

    private static (Simulation Sim, Network.Network Net, Host H1, Host H2, Router R1, Router R2, Router R3) FiveNodes()
    {
        var sim = new Simulation(1);
        var net = new Network.Network(sim);
        var h1 = net.AddHost("h1", Ipv4Address.Parse("10.0.0.1"));
        var h2 = net.AddHost("h2", Ipv4Address.Parse("10.0.0.2"));
        var r1 = net.AddRouter("r1", Ipv4Address.Parse("10.255.0.1"));
        var r2 = net.AddRouter("r2", Ipv4Address.Parse("10.255.0.2"));
        var r3 = net.AddRouter("r3", Ipv4Address.Parse("10.255.0.3"));
        Link(net, h1, r1);
        Link(net, r1, r3);
        Link(net, r3, r2);
        Link(net, r1, r2);
        Link(net, r2, h2);
        return (sim, net, h1, h2, r1, r2, r3);
    }

    /// <summary>A 10 Mbit/s, 1 ms link between <paramref name="a"/> and <paramref name="b"/>.</summary>
    internal static void Link(Network.Network net, Node a, Node b, int mtu = 1500) => net.Connect(a, b,
        new LinkChannel(net.Simulation, net.Pool, $"{a.Name}->{b.Name}", 10_000_000, SimTime.FromMilliseconds(1), mtu, new DropTailQueue(100), NoLoss.Instance),
        new LinkChannel(net.Simulation, net.Pool, $"{b.Name}->{a.Name}", 10_000_000, SimTime.FromMilliseconds(1), mtu, new DropTailQueue(100), NoLoss.Instance));

    [Fact]
    public void RoutesFollowTheFewestHopsInBothDirections()
    {
        var (_, net, h1, h2, r1, r2, _) = FiveNodes();
        net.EnsureRoutes();

        Assert.Equal(["h1", "r1", "r2", "h2"], ShortestPathRouting.Path(h1, h2)!.Select(n => n.Name));
        Assert.Equal(["h2", "r2", "r1", "h1"], ShortestPathRouting.Path(h2, h1)!.Select(n => n.Name));
        Assert.Equal(r2, r1.Routes.Lookup(h2.Address)!.Peer);
    }

    [Fact]
    public void APacketIsForwardedHopByHopWithStoreAndForwardDelaysAndItsTtlDecremented()
    {
        var (sim, _, h1, h2, _, _, _) = FiveNodes();
        var receiver = new Counter { Simulation = sim };
        h2.Transport = receiver;
        var packet = h1.Pool.Rent();
        packet.Source = h1.Address;
        packet.Destination = h2.Address;
        packet.PayloadLength = 1460;
        h1.Send(packet);

        sim.Run(SimTime.FromSeconds(1));

        // Three hops, each 1.2 ms to serialise 1500 B at 10 Mbit/s plus 1 ms of propagation.
        var (arrived, at) = Assert.Single(receiver.Received);
        Assert.Equal(SimTime.FromMicroseconds(3 * 2200), at);
        Assert.Equal(62, arrived.Ttl);
    }

    [Fact]
    public void AmongEqualPathsTheInterfaceCreatedFirstWinsAndSingleInterfaceHostsKeepNoTable()
    {
        // A diamond: r1 reaches r4 through r2 (linked first) or r3, both two hops.
        var sim = new Simulation(1);
        var net = new Network.Network(sim);
        var h1 = net.AddHost("h1", Ipv4Address.Parse("10.0.0.1"));
        var h2 = net.AddHost("h2", Ipv4Address.Parse("10.0.0.2"));
        var routers = Enumerable.Range(1, 4).Select(i => net.AddRouter($"r{i}", Ipv4Address.Parse($"10.255.0.{i}"))).ToArray();
        Link(net, h1, routers[0]);
        Link(net, routers[0], routers[1]);
        Link(net, routers[0], routers[2]);
        Link(net, routers[2], routers[3]);
        Link(net, routers[1], routers[3]);
        Link(net, routers[3], h2);
        net.EnsureRoutes();

        Assert.Equal(["h1", "r1", "r2", "r4", "h2"], ShortestPathRouting.Path(h1, h2)!.Select(n => n.Name));

        // r4 reaches h1 through r3 or r2 alike: r3's link to r4 was made first.
        Assert.Equal(["h2", "r4", "r3", "r1", "h1"], ShortestPathRouting.Path(h2, h1)!.Select(n => n.Name));

        // Each host routes the other host (not itself) through its one interface.
        Assert.Equal((1, 1), (h1.Routes.Count, h2.Routes.Count));
        Assert.Null(h1.Routes.Lookup(h1.Address));
        Assert.Equal(2, routers[3].Routes.Count);
    }

    [Fact]
    public void ADisconnectedHostHasNoRoute()
    {
        var (_, net, h1, _, _, _, _) = FiveNodes();
        var island = net.AddHost("island", Ipv4Address.Parse("10.0.0.3"));
        net.EnsureRoutes();

        Assert.Null(ShortestPathRouting.Path(h1, island));
        Assert.Null(h1.Routes.Lookup(island.Address));
    }

    [Fact]
    public void AHostGivenASecondInterfaceAfterRoutingRoutesThroughBoth()
    {
        var (_, net, h1, h2, _, _, _) = FiveNodes();
        net.EnsureRoutes();
        Assert.Same(h1.Interfaces[0], h1.Routes.Lookup(h2.Address));

        // A new router r4, reached only through a second interface of h1, with a host behind it.
        var r4 = net.AddRouter("r4", Ipv4Address.Parse("10.255.0.4"));
        var h3 = net.AddHost("h3", Ipv4Address.Parse("10.0.0.3"));
        Link(net, h1, r4);
        Link(net, r4, h3);
        net.EnsureRoutes();

        Assert.Same(h1.Interfaces[0], h1.Routes.Lookup(h2.Address));
        Assert.Same(h1.Interfaces[1], h1.Routes.Lookup(h3.Address));
        Assert.Equal(2, h1.Routes.Count);
    }

    [Fact]
    public void DuplicateNamesAndAddressesAreRefused()
    {
        var (_, net, _, _, _, _, _) = FiveNodes();
        Assert.Contains("already exists", Assert.Throws<ArgumentException>(() => net.AddRouter("h1", Ipv4Address.Parse("10.9.9.9"))).Message);
        Assert.Contains("already taken", Assert.Throws<ArgumentException>(() => net.AddHost("h9", Ipv4Address.Parse("10.0.0.1"))).Message);
    }
}
