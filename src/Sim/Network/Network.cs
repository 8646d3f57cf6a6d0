using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Routing;

namespace NetSim.Sim.Network;

/// <summary>The topology of a run: its hosts, routers and the links between them, sharing one packet pool.</summary>
public sealed class Network
{
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<string, Node> _byName = new(StringComparer.Ordinal);
    private readonly HashSet<Ipv4Address> _addresses = [];
    private readonly List<Host> _hosts = [];
    private readonly List<Router> _routers = [];
    private readonly List<PointToPointLink> _links = [];

    public Network(Simulation simulation)
    {
        Simulation = simulation;
    }

    public Simulation Simulation { get; }

    public PacketPool Pool { get; } = new();

    public IReadOnlyList<Node> Nodes => _nodes;

    public IReadOnlyList<Host> Hosts => _hosts;

    public IReadOnlyList<Router> Routers => _routers;

    public IReadOnlyList<PointToPointLink> Links => _links;

    public Host AddHost(string name, Ipv4Address address)
    {
        var host = new Host(this, name, address);
        Add(host);
        _hosts.Add(host);
        return host;
    }

    public Router AddRouter(string name, Ipv4Address address)
    {
        var router = new Router(this, name, address);
        Add(router);
        _routers.Add(router);
        return router;
    }

    public Node? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Joins two nodes; <paramref name="forward"/> carries a to b, <paramref name="reverse"/> b to a.</summary>
    public PointToPointLink Connect(Node a, Node b, LinkChannel forward, LinkChannel reverse)
    {
        var aInterface = new NetworkInterface(a, forward);
        var bInterface = new NetworkInterface(b, reverse) { Peer = a };
        aInterface.Peer = b;
        forward.AttachSender(a);
        reverse.AttachSender(b);
        forward.AttachReceiver(b, bInterface);
        reverse.AttachReceiver(a, aInterface);
        a.AddInterface(aInterface);
        b.AddInterface(bInterface);
        var link = new PointToPointLink($"{a.Name}-{b.Name}", forward, reverse);
        _links.Add(link);
        _routesStale = true;
        return link;
    }

    private bool _routesStale;

    /// <summary>Recomputes every routing table if the topology changed since they were last computed.</summary>
    public void EnsureRoutes()
    {
        if (_routesStale)
        {
            _routesStale = false;
            ShortestPathRouting.Compute(this);
        }
    }

    private void Add(Node node)
    {
        if (_byName.ContainsKey(node.Name))
        {
            throw new ArgumentException($"a node named '{node.Name}' already exists", nameof(node));
        }

        if (!_addresses.Add(node.Address))
        {
            throw new ArgumentException($"address {node.Address} is already taken", nameof(node));
        }

        _byName.Add(node.Name, node);
        _nodes.Add(node);
        _routesStale = true;
    }
}
