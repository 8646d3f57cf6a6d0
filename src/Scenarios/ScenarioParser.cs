using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using NetSim.Sim.Kernel;
using NetSim.SockOps.Kernel;
using NetSim.Tcp;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios;

/// <summary>
/// Turns a scenario file into a validated <see cref="Scenario"/>, or throws a
/// <see cref="ScenarioException"/> naming the file, line, column and field of the first problem.
/// </summary>
public static class ScenarioParser
{
    internal static readonly Dictionary<string, TraceKind> TraceNames = new(StringComparer.Ordinal)
    {
        ["cwnd"] = TraceKind.Cwnd,
        ["rtt"] = TraceKind.Rtt,
        ["sockops"] = TraceKind.SockOps,
        ["queue"] = TraceKind.Queue,
        ["throughput"] = TraceKind.Throughput,
    };

    public static Scenario ParseFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ScenarioException(path, 0, 0, "(file)", "no such file");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses a scenario's text; a <c>sweep</c> section, if any, is left to <see cref="Sweeps.SweepParser"/>.</summary>
    public static Scenario Parse(string yaml, string file) => FromRoot(Load(yaml, file), file);

    /// <summary>The YAML document of a scenario file: exactly one, whose syntax errors are located.</summary>
    internal static YamlNode Load(string yaml, string file)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ScenarioException(file, ex.Start.Line, ex.Start.Column, "(syntax)", ex.InnerException?.Message ?? ex.Message);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed plain scalars with no YamlException
            // and no position: the error is placed where the last event it could read ends.
            var (line, column) = EndOfLastReadableEvent(yaml);
            throw new ScenarioException(file, line, column, "(syntax)", "the YAML cannot be read past here (a stray character such as '#', '{', '[' or '*' in a value?)");
        }

        if (stream.Documents.Count != 1)
        {
            throw new ScenarioException(file, 1, 1, "(file)", "a scenario file holds exactly one YAML document");
        }

        return stream.Documents[0].RootNode;
    }

    private static (int Line, int Column) EndOfLastReadableEvent(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var end = (Line: 1, Column: 1);
        try
        {
            while (parser.MoveNext())
            {
                end = ((int)parser.Current!.End.Line, (int)parser.Current.End.Column);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or YamlException)
        {
            // It stops where the text stops being readable: that is the place to report.
        }

        return end;
    }

    /// <summary>Validates a scenario document already loaded (a sweep's points are such documents).</summary>
    internal static Scenario FromRoot(YamlNode rootNode, string file)
    {
        var root = new YamlMap(file, string.Empty, rootNode);
        root.RejectUnknownKeys(ScenarioFields.Top);

        var name = root.RequireScalar("name");
        if (name.Length == 0 || name.IndexOfAny([.. Path.GetInvalidFileNameChars(), ' ']) >= 0)
        {
            throw root.Error("name", $"'{name}' cannot name a results folder; use letters, digits, '-' and '_'");
        }

        var seed = root.Integer("seed") ?? 1;
        if (seed < 0)
        {
            throw root.Error("seed", "a seed is a whole number from 0");
        }

        var duration = root.Duration("duration") ?? throw root.Error("duration", "missing required field");
        if (duration <= SimTime.Zero)
        {
            throw root.Error("duration", "must be positive");
        }

        var kernel = ReadKernel(root.Map("kernel"));
        var defaults = TcpSettings.Linux with { Hz = kernel.Hz };
        if (root.Map("defaults") is { } defaultsMap)
        {
            defaults = TcpSettingsReader.Read(defaultsMap, defaults);
        }

        var topology = TopologyReader.Read(root);
        var flows = FlowReader.Read(root, topology, defaults, duration);
        CheckScheduledSegments(topology, flows);
        var sockops = SockOpsReader.Read(root, topology, kernel, flows);
        return new Scenario(name, file, (ulong)seed, duration, kernel, defaults, topology.Hosts, topology.Routers, topology.Links,
            flows, sockops, ReadTrace(root), ReadCapture(root.Map("pcap"), topology))
        {
            CanonicalText = Canonical(rootNode),
            TraceInterval = ReadTraceInterval(root, duration),
        };
    }

    /// <summary>The document written out again as YAML, what <see cref="Scenario.ContentHash"/> hashes.</summary>
    private static string Canonical(YamlNode rootNode)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture) { NewLine = "\n" };
        new YamlStream(new YamlDocument(rootNode)).Save(text, assignAnchors: false);
        return text.ToString();
    }

    private static KernelModel ReadKernel(YamlMap? map)
    {
        if (map is null)
        {
            return KernelModel.Default;
        }

        map.RejectUnknownKeys(ScenarioFields.Kernel);
        var version = KernelVersion.Newest;
        if (map.Scalar("version") is { } text
            && (!KernelVersion.TryParse(text, out version) || version < KernelVersion.Oldest || version > KernelVersion.Newest))
        {
            throw map.Error("version", $"'{text}' is not a modelled kernel; write major.minor from {KernelVersion.Oldest} to {KernelVersion.Newest}, e.g. \"6.6\"");
        }

        var hz = map.Integer("hz") ?? 1000;
        if (hz is not (100 or 250 or 300 or 1000))
        {
            throw map.Error("hz", $"Linux HZ is one of 100, 250, 300, 1000 (got {hz})");
        }

        return new KernelModel(version, (int)hz);
    }

    private static void CheckScheduledSegments(Topology topology, List<FlowSpec> flows)
    {
        var segments = topology.Links
            .SelectMany(l => new[] { l.Forward.Loss, l.Reverse.Loss })
            .OfType<ScheduledSpec>()
            .SelectMany(s => s.Segments);
        foreach (var segment in segments)
        {
            if (flows.All(f => f.Name != segment.Flow))
            {
                throw segment.Location.Error($"no flow named '{segment.Flow}' (flows: {string.Join(", ", flows.Select(f => f.Name).Take(12))})");
            }
        }
    }

    private static SimTime ReadTraceInterval(YamlMap root, SimTime duration)
    {
        var interval = root.Duration("trace_interval") ?? SimTime.FromMilliseconds(100);
        return interval >= SimTime.FromMicroseconds(1) && interval <= duration
            ? interval
            : throw root.Error("trace_interval", $"from 1us to the scenario's duration ({duration})");
    }

    private static HashSet<TraceKind> ReadTrace(YamlMap root)
    {
        if (!root.Has("trace"))
        {
            return [TraceKind.Cwnd, TraceKind.SockOps, TraceKind.Throughput];
        }

        var trace = new HashSet<TraceKind>();
        foreach (var (value, node, path) in root.ScalarSequence("trace"))
        {
            if (!TraceNames.TryGetValue(value, out var kind))
            {
                throw root.Error(node, path, $"unknown trace '{value}' (valid: {string.Join(", ", TraceNames.Keys)})");
            }

            trace.Add(kind);
        }

        return trace;
    }

    /// <summary><c>pcap: { links: [a-b] | all, hosts: [a] | all }</c>: a file per link (both directions) or per host.</summary>
    private static CaptureSpec ReadCapture(YamlMap? map, Topology topology)
    {
        if (map is null)
        {
            return CaptureSpec.None;
        }

        map.RejectUnknownKeys(ScenarioFields.Pcap);
        var linkNames = topology.Links.Select(l => l.Name).ToList();
        return new CaptureSpec(
            Names(map, "links", linkNames, "link"),
            Names(map, "hosts", topology.Hosts, "host"));
    }

    private static List<string> Names(YamlMap map, string key, List<string> valid, string what)
    {
        if (map.Node(key) is YamlScalarNode scalar)
        {
            return scalar.Value == "all" ? valid : throw map.Error(key, $"write 'all' or a list of {what} names");
        }

        var names = new List<string>();
        foreach (var (name, node, path) in map.ScalarSequence(key))
        {
            if (!valid.Contains(name))
            {
                throw map.Error(node, path, $"no {what} named '{name}'{YamlMap.DidYouMean(name, valid)} ({what}s: {string.Join(", ", valid.Take(12))})");
            }

            names.Add(name);
        }

        return names;
    }
}
