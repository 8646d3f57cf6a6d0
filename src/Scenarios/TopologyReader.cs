using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios;

/// <summary>Reads <c>hosts</c>, <c>routers</c>, <c>links</c> and the <c>dumbbell</c> shorthand.</summary>
internal static class TopologyReader
{
    /// <summary>The dumbbell's generated names: senders s1..sN, receivers d1..dN, routers r1 (left) and r2 (right).</summary>
    public const string LeftRouter = "r1";
    public const string RightRouter = "r2";

    public static Topology Read(YamlMap root)
    {
        var topology = new Topology();
        foreach (var (value, node, path) in root.ScalarSequence("hosts"))
        {
            AddNode(root, topology, topology.AddHost, value, node, path);
        }

        foreach (var (value, node, path) in root.ScalarSequence("routers"))
        {
            AddNode(root, topology, topology.AddRouter, value, node, path);
        }

        foreach (var (node, path) in root.Sequence("links"))
        {
            var link = new YamlMap(root.File, path, node);
            link.RejectUnknownKeys(ScenarioFields.Link);
            var ends = link.ScalarSequence("between");
            if (ends.Count != 2)
            {
                throw link.Error("between", "a point-to-point link names exactly two nodes");
            }

            foreach (var (end, endNode, endPath) in ends)
            {
                RequireNode(link, endNode, endPath, end, topology);
            }

            if (ends[0].Value == ends[1].Value)
            {
                throw link.Error("between", "a link joins two different nodes");
            }

            var (forward, reverse) = LinkPropertiesReader.Read(link);
            topology.Links.Add(new LinkSpec(ends[0].Value, ends[1].Value, forward, reverse));
        }

        if (root.Map("dumbbell") is { } dumbbell)
        {
            AddDumbbell(dumbbell, topology);
        }

        if (topology.Hosts.Count < 2)
        {
            throw root.Error("hosts", "a scenario needs at least two hosts");
        }

        return topology;
    }

    public static int DumbbellPairs(YamlMap dumbbell)
    {
        var pairs = dumbbell.Integer("pairs") ?? throw dumbbell.Error("pairs", "missing required field");
        return pairs is >= 1 and <= 100_000 ? (int)pairs : throw dumbbell.Error("pairs", "between 1 and 100000 pairs");
    }

    private static void AddDumbbell(YamlMap dumbbell, Topology topology)
    {
        dumbbell.RejectUnknownKeys(ScenarioFields.Dumbbell);
        var pairs = DumbbellPairs(dumbbell);
        var bottleneck = dumbbell.RequireMap("bottleneck");
        bottleneck.RejectUnknownKeys(LinkPropertiesReader.Fields);
        var access = dumbbell.RequireMap("access");
        access.RejectUnknownKeys(LinkPropertiesReader.Fields);

        var location = dumbbell.Location("pairs");
        void Add(Action<string> add, string name)
        {
            if (topology.Contains(name))
            {
                throw location.Error($"the dumbbell's node '{name}' clashes with a node of the same name");
            }

            add(name);
        }

        Add(topology.AddRouter, LeftRouter);
        Add(topology.AddRouter, RightRouter);
        var (bottleneckForward, bottleneckReverse) = LinkPropertiesReader.Read(bottleneck);
        topology.Links.Add(new LinkSpec(LeftRouter, RightRouter, bottleneckForward, bottleneckReverse));
        var (accessForward, accessReverse) = LinkPropertiesReader.Read(access);
        for (var i = 1; i <= pairs; i++)
        {
            Add(topology.AddHost, $"s{i}");
            Add(topology.AddHost, $"d{i}");
            topology.Links.Add(new LinkSpec($"s{i}", LeftRouter, accessForward, accessReverse));
            topology.Links.Add(new LinkSpec(RightRouter, $"d{i}", accessForward, accessReverse));
        }
    }

    private static void AddNode(YamlMap root, Topology topology, Action<string> add, string name, YamlNode node, string path)
    {
        if (topology.Contains(name))
        {
            throw root.Error(node, path, $"'{name}' is named twice (hosts and routers share one namespace)");
        }

        add(name);
    }

    public static void RequireNode(YamlMap map, YamlNode node, string path, string name, Topology topology)
    {
        if (!topology.Contains(name))
        {
            throw map.Error(node, path, $"no host or router named '{name}'{YamlMap.DidYouMean(name, topology.Nodes)} (nodes: {string.Join(", ", topology.Nodes.Take(12))}{(topology.Nodes.Count() > 12 ? ", ..." : string.Empty)})");
        }
    }
}
