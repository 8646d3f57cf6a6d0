namespace NetSim.Sim.Network;

/// <summary>A node's attachment to one end of a link: packets sent on it leave on the link's channel away from the node.</summary>
public sealed class NetworkInterface
{
    internal NetworkInterface(Node node, LinkChannel transmitter)
    {
        Node = node;
        Transmitter = transmitter;
    }

    public Node Node { get; }

    /// <summary>The node at the other end of the link.</summary>
    public Node Peer { get; internal set; } = null!;

    /// <summary>The direction of the link that carries packets away from <see cref="Node"/>.</summary>
    public LinkChannel Transmitter { get; }

    public void Send(Packet packet) => Transmitter.Send(packet);
}
