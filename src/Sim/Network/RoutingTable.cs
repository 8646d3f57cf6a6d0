namespace NetSim.Sim.Network;

/// <summary>
/// Host routes: destination address to outgoing interface, filled once when the topology is built.
/// A node with a single interface keeps no per-destination entries: every host it can reach, bar
/// itself, is behind that interface, so it holds the interface and the set of hosts reachable in
/// its part of the network, which all such nodes of that part share (a dumbbell's thousands of
/// hosts then cost memory in proportion to the hosts, not to their square).
/// </summary>
public sealed class RoutingTable
{
    private readonly Dictionary<Ipv4Address, NetworkInterface> _routes = [];
    private NetworkInterface? _only;
    private IReadOnlySet<Ipv4Address>? _reachable;
    private Ipv4Address _self;

    /// <summary>The last destination a single-interface node found reachable: a host sends to few, and the shared set is memory a large network keeps out of cache.</summary>
    private Ipv4Address _lastReachable;

    public int Count => _only is null ? _routes.Count : _reachable!.Count - (_reachable.Contains(_self) ? 1 : 0);

    public void Set(Ipv4Address destination, NetworkInterface via) => _routes[destination] = via;

    /// <summary>Forgets every route, as the topology changed and they are computed again.</summary>
    public void Clear()
    {
        _routes.Clear();
        _only = null;
        _reachable = null;
        _lastReachable = default;
    }

    /// <summary>The routes of a node whose one interface leads to every host of <paramref name="reachable"/> but itself.</summary>
    public void SetSingleInterface(NetworkInterface via, IReadOnlySet<Ipv4Address> reachable, Ipv4Address self)
    {
        Clear();
        _only = via;
        _reachable = reachable;
        _self = self;
    }

    public NetworkInterface? Lookup(Ipv4Address destination)
    {
        if (_only is null)
        {
            return _routes.GetValueOrDefault(destination);
        }

        if (destination != _lastReachable || destination == default)
        {
            if (destination == _self || !_reachable!.Contains(destination))
            {
                return null;
            }

            _lastReachable = destination;
        }

        return _only;
    }
}
