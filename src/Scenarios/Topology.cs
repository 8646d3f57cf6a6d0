using NetSim.Scenarios.Model;

namespace NetSim.Scenarios;

/// <summary>The nodes and links read so far, with what validation needs: names, and who is joined to whom.</summary>
internal sealed class Topology
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly HashSet<string> _hosts = new(StringComparer.Ordinal);
    private Dictionary<string, string>? _componentOf;
    private int _componentLinks = -1;

    public List<string> Hosts { get; } = [];
    public List<string> Routers { get; } = [];
    public List<LinkSpec> Links { get; } = [];

    public IEnumerable<string> Nodes => Hosts.Concat(Routers);

    public bool Contains(string name) => _names.Contains(name);

    public bool IsHost(string name) => _hosts.Contains(name);

    public void AddHost(string name)
    {
        _hosts.Add(name);
        Add(Hosts, name);
    }

    public void AddRouter(string name) => Add(Routers, name);

    /// <summary>Whether a path of links joins <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Connected(string from, string to)
    {
        if (_componentLinks != Links.Count)
        {
            _componentOf = Components();
            _componentLinks = Links.Count;
        }

        return Root(_componentOf!, from) == Root(_componentOf!, to);
    }

    private void Add(List<string> list, string name)
    {
        _names.Add(name);
        list.Add(name);
    }

    /// <summary>Union-find over the links: each node's parent, towards one representative per connected component.</summary>
    private Dictionary<string, string> Components()
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var link in Links)
        {
            var a = Root(parent, link.A);
            var b = Root(parent, link.B);
            if (a != b)
            {
                parent[a] = b;
            }
        }

        return parent;
    }

    private static string Root(Dictionary<string, string> parent, string node)
    {
        // Path splitting: each node visited is pointed at its grandparent on the way up.
        while (parent.TryGetValue(node, out var next))
        {
            if (parent.TryGetValue(next, out var grandparent))
            {
                parent[node] = grandparent;
            }

            node = next;
        }

        return node;
    }
}
