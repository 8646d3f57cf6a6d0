using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network;

/// <summary>The topology of a run: its hosts and the links between them, sharing one packet pool.</summary>
public sealed class Network
{
    private readonly List<Host> _hosts = [];
    private readonly List<PointToPointLink> _links = [];

    public Network(Simulation simulation)
    {
        Simulation = simulation;
    }

    public Simulation Simulation { get; }

    public PacketPool Pool { get; } = new();

    public IReadOnlyList<Host> Hosts => _hosts;

    public IReadOnlyList<PointToPointLink> Links => _links;

    public Host AddHost(string name, Ipv4Address address)
    {
        if (_hosts.Any(h => h.Name == name))
        {
            throw new ArgumentException($"a node named '{name}' already exists", nameof(name));
        }

        var host = new Host(name, address, Pool);
        _hosts.Add(host);
        return host;
    }

    /// <summary>Joins two hosts; <paramref name="forward"/> carries a to b, <paramref name="reverse"/> b to a.</summary>
    public PointToPointLink Connect(Host a, Host b, LinkChannel forward, LinkChannel reverse)
    {
        var aInterface = new NetworkInterface(a, a.Address, forward);
        var bInterface = new NetworkInterface(b, b.Address, reverse);
        forward.AttachReceiver(b, bInterface);
        reverse.AttachReceiver(a, aInterface);
        a.AddInterface(aInterface);
        b.AddInterface(bInterface);
        var link = new PointToPointLink($"{a.Name}-{b.Name}", forward, reverse);
        _links.Add(link);
        return link;
    }
}
