namespace NetSim.Sim.Network;

/// <summary>A node's attachment to one end of a link: packets sent on it leave on the link's channel away from the node.</summary>
public sealed class NetworkInterface
{
    internal NetworkInterface(INode node, Ipv4Address address, LinkChannel transmitter)
    {
        Node = node;
        Address = address;
        Transmitter = transmitter;
    }

    public INode Node { get; }

    public Ipv4Address Address { get; }

    /// <summary>The direction of the link that carries packets away from <see cref="Node"/>.</summary>
    public LinkChannel Transmitter { get; }

    public void Send(Packet packet) => Transmitter.Send(packet);
}
