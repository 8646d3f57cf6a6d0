using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Sim.Tests;

/// <summary>Routers answer a packet too big for the next link with ICMP Fragmentation Needed (RFC 1191 §4).</summary>
public class RouterIcmpTests
{
    private sealed class Transport : IPacketHandler
    {
        public List<Packet> Received { get; } = [];
        public List<Packet> Errors { get; } = [];
        public void HandlePacket(Packet packet) => Received.Add(packet);
        public void HandleIcmp(Packet packet) => Errors.Add(packet);
    }

    /// <summary>h1 - r1 - ... - h2, the links' MTUs in order, and a packet of <paramref name="payload"/> bytes from h1 to h2 run for a second.</summary>
    private static (Router[] Routers, Transport Sender, Transport Receiver, Host H1, Host H2) Send(int payload, params int[] mtus)
    {
        var sim = new Simulation(1);
        var net = new Network.Network(sim);
        var h1 = net.AddHost("h1", Ipv4Address.Parse("10.0.0.1"));
        var h2 = net.AddHost("h2", Ipv4Address.Parse("10.0.0.2"));
        var routers = Enumerable.Range(1, mtus.Length - 1).Select(i => net.AddRouter($"r{i}", Ipv4Address.Parse($"10.255.0.{i}"))).ToArray();
        Node[] chain = [h1, .. routers, h2];
        for (var i = 0; i < mtus.Length; i++)
        {
            RoutingTests.Link(net, chain[i], chain[i + 1], mtus[i]);
        }

        var sender = new Transport();
        var receiver = new Transport();
        h1.Transport = sender;
        h2.Transport = receiver;
        net.EnsureRoutes();
        var packet = h1.Pool.Rent();
        packet.Source = h1.Address;
        packet.Destination = h2.Address;
        packet.SourcePort = 40000;
        packet.DestinationPort = 5001;
        packet.SequenceNumber = 123456;
        packet.PayloadLength = payload;
        h1.Send(packet);
        sim.Run(SimTime.FromSeconds(1));
        return (routers, sender, receiver, h1, h2);
    }

    [Fact]
    public void APacketTooBigForTheNextLinkIsRefusedWithTheLinksMtu()
    {
        var (routers, sender, receiver, h1, h2) = Send(1460, 1500, 1000);

        Assert.Empty(receiver.Received);
        Assert.Equal(1, routers[0].PacketsTooBig);
        Assert.Equal(1, routers[0].Routes.Lookup(h2.Address)!.Transmitter.Statistics.PacketsTooBig);
        var error = Assert.Single(sender.Errors);
        var icmp = error.Icmp!;
        Assert.Equal((routers[0].Address, h1.Address), (error.Source, error.Destination));
        Assert.True(icmp.IsFragmentationNeeded);
        Assert.Equal(1000, icmp.NextHopMtu);
        Assert.Equal((h1.Address, h2.Address, (ushort)40000, (ushort)5001, 123456u),
            (icmp.QuotedSource, icmp.QuotedDestination, icmp.QuotedSourcePort, icmp.QuotedDestinationPort, icmp.QuotedSequenceNumber));

        // RFC 1812 §4.3.2.3 (icmp_send()): the error is at most 576 bytes, so it quotes 548 of the 1500.
        Assert.Equal(576, error.SizeBytes);
    }

    [Fact]
    public void AnErrorTooBigForItsWayBackIsDroppedWithoutAnErrorAboutIt()
    {
        // h1's 280-byte packet passes its 300-byte first hop but not r2's 200-byte link; r2's
        // 308-byte error about it does not fit r1's link back to h1, and r1 answers no ICMP error
        // with another (RFC 1122 §3.2.2).
        var (routers, sender, receiver, _, _) = Send(240, 300, 1500, 200);

        Assert.Equal((1L, 1L), (routers[1].PacketsTooBig, routers[0].PacketsTooBig));
        Assert.Empty(sender.Errors);
        Assert.Empty(receiver.Received);
        Assert.Empty(receiver.Errors);
    }
}
