namespace NetSim.Sim.Network;

/// <summary>An IPv4 router: decrements the TTL and forwards on the route to the destination (RFC 1812 §5.2, §5.3.1).</summary>
public sealed class Router(Network network, string name, Ipv4Address address) : Node(network, name, address)
{
    public long PacketsForwarded { get; private set; }

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
}
