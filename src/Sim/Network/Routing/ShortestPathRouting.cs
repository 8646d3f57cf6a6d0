namespace NetSim.Sim.Network.Routing;

/// <summary>
/// Static shortest-path routing by hop count, computed once when the topology is built: a
/// breadth-first search from every host gives each node its next hop towards that host. Ties go
/// to the interface created first, so the routes are the same on every run.
/// </summary>
public static class ShortestPathRouting
{
    public static void Compute(Network network)
    {
        foreach (var destination in network.Hosts)
        {
            var distance = new Dictionary<Node, int> { [destination] = 0 };
            var frontier = new Queue<Node>();
            frontier.Enqueue(destination);
            while (frontier.Count > 0)
            {
                var node = frontier.Dequeue();
                foreach (var networkInterface in node.Interfaces)
                {
                    if (distance.TryAdd(networkInterface.Peer, distance[node] + 1))
                    {
                        frontier.Enqueue(networkInterface.Peer);
                    }
                }
            }

            foreach (var node in network.Nodes)
            {
                if (node == destination || !distance.TryGetValue(node, out var hops))
                {
                    continue;
                }

                var next = node.Interfaces.First(i => distance.TryGetValue(i.Peer, out var d) && d == hops - 1);
                node.Routes.Set(destination.Address, next);
            }
        }
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
