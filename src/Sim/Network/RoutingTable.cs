namespace NetSim.Sim.Network;

/// <summary>Host routes: destination address to outgoing interface. Filled once, when the topology is built.</summary>
public sealed class RoutingTable
{
    private readonly Dictionary<Ipv4Address, NetworkInterface> _routes = [];

    public int Count => _routes.Count;

    public void Set(Ipv4Address destination, NetworkInterface via) => _routes[destination] = via;

    public NetworkInterface? Lookup(Ipv4Address destination) => _routes.GetValueOrDefault(destination);
}
