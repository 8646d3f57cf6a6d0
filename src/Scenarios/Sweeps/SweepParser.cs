using System.Globalization;
using NetSim.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// Reads a scenario's <c>sweep</c> section and builds every run of its grid, each a complete
/// scenario validated before anything runs:
/// <code>
/// sweep:
///   seeds: 5                                 # runs per point: seed, seed + 1, ...
///   parameters:                              # scenario fields, as errors name them
///     links[0].loss: [0, 0.5%, 1%]
///     defaults.congestion: [reno, cubic]
///   plots:                                   # optional; by default goodput and retransmissions
///     - { metric: total_goodput_mbps, x: links[0].loss, series: defaults.congestion }
/// </code>
/// A value that does not fit its field is reported at the value, with the field's own message.
/// </summary>
public static class SweepParser
{
    /// <summary>Whether the scenario file at <paramref name="path"/> has a sweep section.</summary>
    public static bool Declares(string path) =>
        File.Exists(path)
            ? ScenarioParser.Load(File.ReadAllText(path), path) is YamlMappingNode root && root.Children.ContainsKey(new YamlScalarNode("sweep"))
            : throw new ScenarioException(path, 0, 0, "(file)", "no such file");

    public static SweepDefinition ParseFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ScenarioException(path, 0, 0, "(file)", "no such file");
        }

        var text = File.ReadAllText(path);
        var rootNode = ScenarioParser.Load(text, path);
        var root = new YamlMap(path, string.Empty, rootNode);
        var sweep = root.Map("sweep") ?? throw root.Error("sweep", "this scenario has no sweep section (netsim run runs it once)");
        sweep.RejectUnknownKeys(ScenarioFields.Sweep);
        var seeds = sweep.Integer("seeds") ?? 1;
        if (seeds is < 1 or > 10_000)
        {
            throw sweep.Error("seeds", $"runs per point: 1 to 10000 (got {seeds})");
        }

        var parameters = ReadParameters(sweep);
        var baseSeed = root.Integer("seed") ?? 1;
        var runs = new List<SweepRun>();
        var point = 0;
        foreach (var combination in Grid(parameters))
        {
            for (var k = 0; k < seeds; k++)
            {
                var seed = (ulong)(baseSeed + k);
                var document = PointDocument(text, path, sweep, parameters, combination, seed);
                var scenario = ScenarioParser.FromRoot(document, path);
                runs.Add(new SweepRun(point, seed, [.. combination.Select((v, i) => parameters[i].Labels[v])], scenario));
            }

            point++;
        }

        var flows = runs[0].Scenario.Flows.Select(f => f.Name).ToList();
        if (runs.FirstOrDefault(r => !r.Scenario.Flows.Select(f => f.Name).SequenceEqual(flows)) is { } other)
        {
            throw sweep.Error("parameters", $"every point must have the same flows; point {other.Point} has {string.Join(", ", other.Scenario.Flows.Select(f => f.Name))}");
        }

        var definition = new SweepDefinition(runs[0].Scenario.Name, path,
            [.. parameters.Select(p => new SweepParameter(p.Path, p.Labels))], (int)seeds, runs, []);
        return definition with { Plots = ReadPlots(sweep, definition) };
    }

    private sealed record Parameter(string Path, YamlNode KeyNode, IReadOnlyList<YamlNode> Values, IReadOnlyList<string> Labels);

    private static List<Parameter> ReadParameters(YamlMap sweep)
    {
        var map = sweep.RequireMap("parameters");
        if (sweep.RequireNode("parameters") is not YamlMappingNode node || node.Children.Count == 0)
        {
            throw sweep.Error("parameters", "name at least one scenario field with its values (for example links[0].loss: [0, 1%])");
        }

        var parameters = new List<Parameter>();
        foreach (var (key, value) in node.Children)
        {
            var path = ((YamlScalarNode)key).Value!;
            if (value is not YamlSequenceNode { Children.Count: > 0 } values)
            {
                throw map.Error(value, map.FieldPath(path), "expected a list of values, for example [0, 1%]");
            }

            parameters.Add(new Parameter(path, key, [.. values.Children], [.. values.Children.Select(Label)]));
        }

        return parameters;
    }

    /// <summary>The grid's points as value indices, the first parameter varying slowest.</summary>
    private static IEnumerable<int[]> Grid(IReadOnlyList<Parameter> parameters)
    {
        var indices = new int[parameters.Count];
        while (true)
        {
            yield return (int[])indices.Clone();
            var i = parameters.Count - 1;
            while (i >= 0 && ++indices[i] == parameters[i].Values.Count)
            {
                indices[i] = 0;
                i--;
            }

            if (i < 0)
            {
                yield break;
            }
        }
    }

    /// <summary>The scenario document of one run: the file without its sweep section, the point's values set, and the seed.</summary>
    private static YamlNode PointDocument(string text, string path, YamlMap sweep, IReadOnlyList<Parameter> parameters, int[] combination, ulong seed)
    {
        var document = (YamlMappingNode)ScenarioParser.Load(text, path);
        document.Children.Remove(new YamlScalarNode("sweep"));
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = parameters[i];
            if (ScenarioPath.Set(document, parameter.Path, parameter.Values[combination[i]]) is { } problem)
            {
                throw sweep.Error(parameter.KeyNode, $"sweep.parameters.{parameter.Path}", problem);
            }
        }

        document.Children[new YamlScalarNode("seed")] = new YamlScalarNode(seed.ToString(CultureInfo.InvariantCulture));
        return document;
    }

    private static IReadOnlyList<SweepPlotSpec> ReadPlots(YamlMap sweep, SweepDefinition definition)
    {
        var metrics = SweepMetrics.Names(definition.Runs[0].Scenario.Flows.Select(f => f.Name));
        var paths = definition.Parameters.Select(p => p.Path).ToList();
        if (!sweep.Has("plots"))
        {
            var series = paths.Count == 2 ? paths[1] : null;
            return [new(SweepMetrics.TotalGoodput, paths[0], series), new(SweepMetrics.Retransmissions, paths[0], series)];
        }

        var plots = new List<SweepPlotSpec>();
        foreach (var (node, nodePath) in sweep.Sequence("plots"))
        {
            var plot = new YamlMap(sweep.File, nodePath, node);
            plot.RejectUnknownKeys(ScenarioFields.SweepPlot);
            var metric = Choice(plot, "metric", metrics);
            var x = Choice(plot, "x", paths);
            var series = plot.Scalar("series") is null ? null : Choice(plot, "series", paths);
            plots.Add(new SweepPlotSpec(metric, x, series));
        }

        return plots;
    }

    private static string Choice(YamlMap map, string key, IReadOnlyList<string> valid)
    {
        var value = map.RequireScalar(key);
        return valid.Contains(value, StringComparer.Ordinal)
            ? value
            : throw map.Error(key, $"'{value}' is not one of {string.Join(", ", valid)}");
    }

    /// <summary>How a value shows in the tables and legends: a scalar as written, a list or mapping in flow style.</summary>
    private static string Label(YamlNode node) => node switch
    {
        YamlScalarNode scalar => scalar.Value ?? string.Empty,
        YamlSequenceNode sequence => $"[{string.Join(", ", sequence.Children.Select(Label))}]",
        YamlMappingNode mapping => $"{{{string.Join(", ", mapping.Children.Select(c => $"{Label(c.Key)}: {Label(c.Value)}"))}}}",
        _ => node.ToString(),
    };
}
