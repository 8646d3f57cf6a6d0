namespace NetSim.Sim.Network;

/// <summary>
/// A host or router: a name, an address, its interfaces, and a routing table that says which
/// interface leads to each destination host.
/// </summary>
public abstract class Node : INode
{
    private readonly List<NetworkInterface> _interfaces = [];

    protected Node(Network network, string name, Ipv4Address address)
    {
        Network = network;
        Name = name;
        Address = address;
        Pool = network.Pool;
    }

    public Network Network { get; }

    public string Name { get; }

    public Ipv4Address Address { get; }

    public PacketPool Pool { get; }

    public IReadOnlyList<NetworkInterface> Interfaces => _interfaces;

    public RoutingTable Routes { get; } = new();

    /// <summary>Packets this node could not forward: no route, or TTL exhausted.</summary>
    public long PacketsUnroutable { get; private set; }

    internal void AddInterface(NetworkInterface networkInterface) => _interfaces.Add(networkInterface);

    /// <summary>Takes ownership of a packet arriving on <paramref name="via"/>.</summary>
    public abstract void Receive(Packet packet, NetworkInterface via);

    /// <summary>Sends a packet towards its destination on the interface the routing table names.</summary>
    protected void Forward(Packet packet)
    {
        Network.EnsureRoutes();
        var next = Routes.Lookup(packet.Destination);
        if (next is null)
        {
            PacketsUnroutable++;
            Pool.Return(packet);
            return;
        }

        next.Send(packet);
    }

    /// <summary>
    /// A packet larger than the MTU of the link it should go on, <paramref name="next"/>, whose DF
    /// bit forbids fragmenting it; a router answers it (<see cref="Router"/>). A host made it
    /// itself. When the options that vary from segment to segment took it over (options grew
    /// between tcp_current_mss() and the transmit, as when a sock_ops program reserves more in
    /// HDR_OPT_LEN_CB than when the MSS was computed, or the AccECN option finds room a D-SACK
    /// block just gave up), Linux's ip_fragment() refuses it with EMSGSIZE
    /// (IPSTATS_MIB_FRAGFAILS) and it never leaves: here it is dropped as too big, and TCP, which
    /// in Linux sees the error, recovers it as a loss. A packet too big without them means the
    /// host's MSS is misconfigured, an error.
    /// </summary>
    internal virtual void TooBig(Packet packet, LinkChannel next)
    {
        if (packet.SizeBytes - packet.VariableOptionsLength > next.Mtu)
        {
            throw next.TooBigError(packet);
        }

        next.RefuseTooBig(packet);
    }

    protected void DropUnroutable(Packet packet)
    {
        PacketsUnroutable++;
        Pool.Return(packet);
    }

    public override string ToString() => $"{Name} ({Address})";
}
