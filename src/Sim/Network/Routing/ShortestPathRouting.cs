namespace NetSim.Sim.Network.Routing;

/// <summary>
/// Static shortest-path routing by hop count, computed once when the topology is built. A node
/// with several interfaces runs a breadth-first search of its own, exploring its interfaces in the
/// order they were created, and takes for each host the first hop of the first shortest path it
/// finds: among equal-length paths, the one leaving by the interface created first, so the routes
/// are the same on every run. A node with one interface sends everything it can reach through it.
/// The cost grows with the nodes that forward, not with every host.
/// </summary>
public static class ShortestPathRouting
{
    public static void Compute(Network network)
    {
        foreach (var (members, hosts) in Components(network))
        {
            foreach (var node in members)
            {
                if (node.Interfaces.Count == 1)
                {
                    node.Routes.SetSingleInterface(node.Interfaces[0], hosts, node.Address);
                }
                else
                {
                    node.Routes.Clear();
                    RoutesFrom(node);
                }
            }
        }
    }

    /// <summary>Breadth-first from <paramref name="source"/>: each host's first hop is the interface its earliest-found shortest path leaves by.</summary>
    private static void RoutesFrom(Node source)
    {
        var firstHop = new Dictionary<Node, NetworkInterface>();
        var frontier = new Queue<Node>();
        foreach (var networkInterface in source.Interfaces)
        {
            if (networkInterface.Peer != source && firstHop.TryAdd(networkInterface.Peer, networkInterface))
            {
                frontier.Enqueue(networkInterface.Peer);
            }
        }

        while (frontier.Count > 0)
        {
            var node = frontier.Dequeue();
            var via = firstHop[node];
            if (node is Host host)
            {
                source.Routes.Set(host.Address, via);
            }

            foreach (var networkInterface in node.Interfaces)
            {
                var peer = networkInterface.Peer;
                if (peer != source && firstHop.TryAdd(peer, via))
                {
                    frontier.Enqueue(peer);
                }
            }
        }
    }

    /// <summary>The connected parts of the network: their nodes, and the addresses of their hosts.</summary>
    private static List<(List<Node> Members, HashSet<Ipv4Address> Hosts)> Components(Network network)
    {
        var seen = new HashSet<Node>();
        var components = new List<(List<Node>, HashSet<Ipv4Address>)>();
        foreach (var start in network.Nodes)
        {
            if (!seen.Add(start))
            {
                continue;
            }

            var members = new List<Node>();
            var hosts = new HashSet<Ipv4Address>();
            var frontier = new Queue<Node>();
            frontier.Enqueue(start);
            while (frontier.Count > 0)
            {
                var node = frontier.Dequeue();
                members.Add(node);
                if (node is Host)
                {
                    hosts.Add(node.Address);
                }

                foreach (var networkInterface in node.Interfaces)
                {
                    if (seen.Add(networkInterface.Peer))
                    {
                        frontier.Enqueue(networkInterface.Peer);
                    }
                }
            }

            components.Add((members, hosts));
        }

        return components;
    }

    /// <summary>The nodes a packet from <paramref name="from"/> to <paramref name="to"/> visits, or null when there is no route.</summary>
    public static IReadOnlyList<Node>? Path(Node from, Host to)
    {
        var path = new List<Node> { from };
        var node = from;
        while (node != to)
        {
            var next = node.Routes.Lookup(to.Address);
            if (next is null || path.Count > 1024)
            {
                return null;
            }

            node = next.Peer;
            path.Add(node);
        }

        return path;
    }
}
