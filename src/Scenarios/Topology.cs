using NetSim.Scenarios.Model;

namespace NetSim.Scenarios;

/// <summary>The nodes and links read so far, with what validation needs: names, and who is joined to whom.</summary>
internal sealed class Topology
{
    public List<string> Hosts { get; } = [];
    public List<string> Routers { get; } = [];
    public List<LinkSpec> Links { get; } = [];

    public IEnumerable<string> Nodes => Hosts.Concat(Routers);

    public bool Contains(string name) => Hosts.Contains(name) || Routers.Contains(name);

    /// <summary>Whether a path of links joins <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Connected(string from, string to)
    {
        var seen = new HashSet<string> { from };
        var frontier = new Queue<string>([from]);
        while (frontier.Count > 0)
        {
            var node = frontier.Dequeue();
            if (node == to)
            {
                return true;
            }

            foreach (var link in Links)
            {
                var next = link.A == node ? link.B : link.B == node ? link.A : null;
                if (next is not null && seen.Add(next))
                {
                    frontier.Enqueue(next);
                }
            }
        }

        return false;
    }
}
