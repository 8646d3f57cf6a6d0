using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Scenarios;

/// <summary>Reads <c>flows</c>, and the dumbbell's <c>flow</c> template that gives each pair si -> di a flow fi.</summary>
internal static class FlowReader
{
    public static List<FlowSpec> Read(YamlMap root, Topology topology, TcpSettings defaults, SimTime duration)
    {
        var flows = new List<FlowSpec>();
        foreach (var (node, path) in root.Sequence("flows"))
        {
            var flow = new YamlMap(root.File, path, node);
            flow.RejectUnknownKeys(ScenarioFields.Flow);
            var name = flow.Scalar("name") ?? $"flow{flows.Count}";
            var from = flow.RequireScalar("from");
            TopologyReader.RequireNode(flow, flow.RequireNode("from"), flow.FieldPath("from"), from, topology);
            var to = flow.RequireScalar("to");
            TopologyReader.RequireNode(flow, flow.RequireNode("to"), flow.FieldPath("to"), to, topology);
            Add(flows, flow, name, from, to, topology, defaults, duration, flow.Location("name"));
        }

        if (root.Map("dumbbell") is { } dumbbell && dumbbell.Map("flow") is { } template)
        {
            template.RejectUnknownKeys(ScenarioFields.FlowTemplate);
            var pairs = TopologyReader.DumbbellPairs(dumbbell);
            for (var i = 1; i <= pairs; i++)
            {
                Add(flows, template, $"f{i}", $"s{i}", $"d{i}", topology, defaults, duration, dumbbell.Location("flow"));
            }
        }

        if (flows.Count == 0)
        {
            throw root.Error("flows", "a scenario needs at least one flow");
        }

        CheckFloodTargets(flows);
        return flows;
    }

    /// <summary>A SYN flood aims at the listener of another flow, one that is no flood and ends at the same host.</summary>
    private static void CheckFloodTargets(List<FlowSpec> flows)
    {
        foreach (var flow in flows)
        {
            if (flow.App is not SynFloodApplicationSpec flood)
            {
                continue;
            }

            var target = flows.FirstOrDefault(f => f.Name == flood.Target)
                ?? throw flood.TargetLocation.Error($"no flow named '{flood.Target}' to flood (flows: {string.Join(", ", flows.Select(f => f.Name))})");
            if (target.App is SynFloodApplicationSpec)
            {
                throw flood.TargetLocation.Error($"flow '{target.Name}' is a flood itself; the target is a flow whose listener the SYNs go to");
            }

            if (target.To != flow.To)
            {
                throw flood.TargetLocation.Error($"flow '{target.Name}' ends at {target.To}, but the flood goes to {flow.To}; set to: {target.To}");
            }
        }
    }

    private static void Add(List<FlowSpec> flows, YamlMap flow, string name, string from, string to, Topology topology,
        TcpSettings defaults, SimTime duration, SourceLocation location)
    {
        if (flows.Any(f => f.Name == name))
        {
            throw location.Error($"flow '{name}' is named twice");
        }

        foreach (var (end, key) in new[] { (from, "from"), (to, "to") })
        {
            if (!topology.IsHost(end) && flow.Has(key))
            {
                throw flow.Error(key, $"'{end}' is a router; flows run between hosts");
            }
        }

        if (from == to)
        {
            throw flow.Has("to") ? flow.Error("to", "a flow joins two different hosts") : location.Error("a flow joins two different hosts");
        }

        if (!topology.Connected(from, to))
        {
            var problem = $"no route from {from} to {to}: no chain of links joins them";
            throw flow.Has("to") ? flow.Error("to", problem) : location.Error(problem);
        }

        var app = ApplicationReader.Read(flow.RequireMap("app"));
        var start = flow.Duration("start") ?? SimTime.Zero;
        var stop = flow.Duration("stop") ?? SimTime.Never;
        if (start >= duration)
        {
            throw flow.Error("start", $"starts at or after the end of the run ({duration})");
        }

        if (stop <= start)
        {
            throw flow.Error("stop", "must come after start");
        }

        var tcp = flow.Map("tcp") is { } tcpMap ? TcpSettingsReader.Read(tcpMap, defaults) : defaults;
        flows.Add(new FlowSpec(name, from, to, app, start, stop, tcp, flow.Has("tcp") ? flow.Location("tcp") : location));
    }
}
