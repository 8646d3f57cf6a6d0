using NetSim.Sim.Network.Icmp;

namespace NetSim.Sim.Network;

/// <summary>
/// An IPv4 router: decrements the TTL and forwards on the route to the destination (RFC 1812
/// §5.2, §5.3.1); a packet too big for the next hop, which TCP sends with DF set, is dropped and
/// answered with an ICMP Fragmentation Needed carrying that hop's MTU (RFC 1191 §4).
/// </summary>
public sealed class Router(Network network, string name, Ipv4Address address) : Node(network, name, address)
{
    public long PacketsForwarded { get; private set; }

    /// <summary>Packets dropped as larger than the next hop's MTU: what its links refused.</summary>
    public long PacketsTooBig => Interfaces.Sum(i => i.Transmitter.Statistics.PacketsTooBig);

    public override void Receive(Packet packet, NetworkInterface via)
    {
        if (packet.Ttl <= 1)
        {
            DropUnroutable(packet);
            return;
        }

        packet.Ttl--;
        PacketsForwarded++;
        Forward(packet);
    }

    /// <summary>
    /// RFC 1191 §4 (Linux ip_forward(): IPSTATS_MIB_FRAGFAILS, then icmp_send() of
    /// ICMP_FRAG_NEEDED, which Linux exempts from ICMP rate limiting): no error answers an ICMP error
    /// (RFC 1122 §3.2.2); nor does a link that is a black hole (<see cref="LinkChannel.PmtudBlackHole"/>).
    /// </summary>
    internal override void TooBig(Packet packet, LinkChannel next)
    {
        if (packet.Icmp is null && !next.PmtudBlackHole)
        {
            var error = Pool.Rent();
            error.Source = Address;
            error.Destination = packet.Source;
            error.Icmp = IcmpMessage.About(IcmpType.DestinationUnreachable, (byte)IcmpUnreachableCode.FragmentationNeeded, next.Mtu, packet);
            Forward(error);
        }

        next.RefuseTooBig(packet);
    }
}
