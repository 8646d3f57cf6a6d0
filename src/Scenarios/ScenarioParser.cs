using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using NetSim.Sim.Kernel;
using NetSim.SockOps;
using NetSim.SockOps.Kernel;
using NetSim.SockOps.Programs;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios;

/// <summary>
/// Turns a scenario file into a validated <see cref="Scenario"/>, or throws a
/// <see cref="ScenarioException"/> naming the file, line, column and field of the first problem.
/// </summary>
public static class ScenarioParser
{
    private static readonly string[] TopLevelFields =
        ["name", "seed", "duration", "kernel", "defaults", "hosts", "routers", "links", "flows", "sockops", "trace"];

    private static readonly Dictionary<string, TraceKind> TraceNames = new(StringComparer.Ordinal)
    {
        ["cwnd"] = TraceKind.Cwnd,
        ["rtt"] = TraceKind.Rtt,
        ["sockops"] = TraceKind.SockOps,
        ["queue"] = TraceKind.Queue,
    };

    public static Scenario ParseFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ScenarioException(path, 0, 0, "(file)", "no such file");
        }

        return Parse(File.ReadAllText(path), path);
    }

    public static Scenario Parse(string yaml, string file)
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

        if (stream.Documents.Count != 1)
        {
            throw new ScenarioException(file, 1, 1, "(file)", "a scenario file holds exactly one YAML document");
        }

        var root = new YamlMap(file, string.Empty, stream.Documents[0].RootNode);
        root.RejectUnknownKeys(TopLevelFields);

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

        var hosts = ReadHosts(root);
        if (root.Sequence("routers").Count > 0)
        {
            throw root.Error("routers", "routers are not supported yet: this version joins two hosts by one link");
        }

        var links = ReadLinks(root, hosts);
        var flows = ReadFlows(root, hosts, defaults, duration);
        var sockops = ReadSockOps(root, hosts, kernel);
        var trace = ReadTrace(root);
        return new Scenario(name, file, (ulong)seed, duration, kernel, defaults, hosts, links, flows, sockops, trace);
    }

    private static KernelModel ReadKernel(YamlMap? map)
    {
        if (map is null)
        {
            return KernelModel.Default;
        }

        map.RejectUnknownKeys("version", "hz");
        var version = KernelVersion.Newest;
        if (map.Scalar("version") is { } text)
        {
            if (!KernelVersion.TryParse(text, out version) || version < KernelVersion.Oldest || version > KernelVersion.Newest)
            {
                throw map.Error("version", $"'{text}' is not a modelled kernel; write major.minor from {KernelVersion.Oldest} to {KernelVersion.Newest}, e.g. \"6.6\"");
            }
        }

        var hz = map.Integer("hz") ?? 1000;
        if (hz is not (100 or 250 or 300 or 1000))
        {
            throw map.Error("hz", $"Linux HZ is one of 100, 250, 300, 1000 (got {hz})");
        }

        return new KernelModel(version, (int)hz);
    }

    private static List<string> ReadHosts(YamlMap root)
    {
        var hosts = new List<string>();
        foreach (var (value, node, path) in root.ScalarSequence("hosts"))
        {
            if (hosts.Contains(value))
            {
                throw root.Error(node, path, $"host '{value}' is named twice");
            }

            hosts.Add(value);
        }

        if (hosts.Count == 0)
        {
            throw root.Error("hosts", "a scenario needs at least two hosts");
        }

        return hosts;
    }

    private static List<LinkSpec> ReadLinks(YamlMap root, List<string> hosts)
    {
        var links = new List<LinkSpec>();
        foreach (var (node, path) in root.Sequence("links"))
        {
            var link = new YamlMap(root.File, path, node);
            link.RejectUnknownKeys("between", "rate", "delay", "mtu", "queue", "loss");
            var ends = link.ScalarSequence("between");
            if (ends.Count != 2)
            {
                throw link.Error("between", "a point-to-point link names exactly two hosts");
            }

            foreach (var (end, endNode, endPath) in ends)
            {
                RequireHost(link, endNode, endPath, end, hosts);
            }

            var rate = link.Rate("rate") ?? throw link.Error("rate", "missing required field");
            if (rate <= 0)
            {
                throw link.Error("rate", "a link rate must be positive");
            }

            var delay = link.Duration("delay") ?? throw link.Error("delay", "missing required field");
            var mtu = link.Size("mtu") ?? 1500;
            if (mtu is < 68 or > 65535)
            {
                throw link.Error("mtu", $"an IPv4 MTU lies in [68, 65535] (got {mtu})");
            }

            var queue = ReadQueue(link.Map("queue"));
            var (forward, reverse) = ReadLoss(link.Map("loss"));
            links.Add(new LinkSpec(ends[0].Value, ends[1].Value, rate, delay, (int)mtu, queue, forward, reverse));
        }

        if (links.Count != 1 || hosts.Count != 2)
        {
            throw root.Error("links", "this version joins exactly two hosts by exactly one link");
        }

        return links;
    }

    private static int ReadQueue(YamlMap? map)
    {
        if (map is null)
        {
            return 100;
        }

        map.RejectUnknownKeys("type", "packets");
        var type = map.Scalar("type") ?? "droptail";
        if (type != "droptail")
        {
            throw map.Error("type", $"unknown queue '{type}' (valid: droptail)");
        }

        var packets = map.Integer("packets") ?? 100;
        if (packets is < 1 or > int.MaxValue)
        {
            throw map.Error("packets", "a queue holds at least one packet");
        }

        return (int)packets;
    }

    private static (double Forward, double Reverse) ReadLoss(YamlMap? map)
    {
        if (map is null)
        {
            return (0, 0);
        }

        if (map.Has("forward") || map.Has("reverse"))
        {
            map.RejectUnknownKeys("forward", "reverse");
            return (ReadLossModel(map.Map("forward")), ReadLossModel(map.Map("reverse")));
        }

        var p = ReadLossModel(map);
        return (p, p);
    }

    private static double ReadLossModel(YamlMap? map)
    {
        if (map is null)
        {
            return 0;
        }

        map.RejectUnknownKeys("type", "p");
        var type = map.RequireScalar("type");
        return type switch
        {
            "none" => 0,
            "bernoulli" => map.Probability("p") ?? throw map.Error("p", "missing required field"),
            _ => throw map.Error("type", $"unknown loss model '{type}' (valid: none, bernoulli)"),
        };
    }

    private static List<FlowSpec> ReadFlows(YamlMap root, List<string> hosts, TcpSettings defaults, SimTime duration)
    {
        var flows = new List<FlowSpec>();
        foreach (var (node, path) in root.Sequence("flows"))
        {
            var flow = new YamlMap(root.File, path, node);
            flow.RejectUnknownKeys("name", "from", "to", "app", "start", "stop", "tcp");
            var name = flow.Scalar("name") ?? $"flow{flows.Count}";
            if (flows.Any(f => f.Name == name))
            {
                throw flow.Error("name", $"flow '{name}' is named twice");
            }

            var from = flow.RequireScalar("from");
            RequireHost(flow, flow.RequireNode("from"), flow.FieldPath("from"), from, hosts);
            var to = flow.RequireScalar("to");
            RequireHost(flow, flow.RequireNode("to"), flow.FieldPath("to"), to, hosts);
            if (from == to)
            {
                throw flow.Error("to", "a flow joins two different hosts");
            }

            var app = flow.RequireMap("app");
            app.RejectUnknownKeys("type", "bytes");
            var type = app.RequireScalar("type");
            if (type != "bulk")
            {
                throw app.Error("type", $"unknown application '{type}' (valid: bulk)");
            }

            var bytes = app.Size("bytes");
            if (bytes is <= 0)
            {
                throw app.Error("bytes", "must be positive");
            }

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
            flows.Add(new FlowSpec(name, from, to, bytes, start, stop, tcp));
        }

        if (flows.Count == 0)
        {
            throw root.Error("flows", "a scenario needs at least one flow");
        }

        return flows;
    }

    private static List<SockOpsAttachment> ReadSockOps(YamlMap root, List<string> hosts, KernelModel kernel)
    {
        var attachments = new List<SockOpsAttachment>();
        foreach (var (node, path) in root.Sequence("sockops"))
        {
            var entry = new YamlMap(root.File, path, node);
            entry.RejectUnknownKeys("program", "attach", "params");
            var programName = entry.RequireScalar("program");
            var attach = entry.RequireMap("attach");
            attach.RejectUnknownKeys("hosts");
            var attachedHosts = new List<string>();
            foreach (var (host, hostNode, hostPath) in attach.ScalarSequence("hosts"))
            {
                RequireHost(attach, hostNode, hostPath, host, hosts);
                attachedHosts.Add(host);
            }

            if (attachedHosts.Count == 0)
            {
                throw attach.Error("hosts", "attach the program to at least one host");
            }

            var program = CreateProgram(entry, programName, entry.Map("params"), kernel);
            attachments.Add(new SockOpsAttachment(programName, attachedHosts, program));
        }

        return attachments;
    }

    private static SockOpsProgram CreateProgram(YamlMap entry, string programName, YamlMap? parameters, KernelModel kernel)
    {
        const string prefix = "builtin:";
        if (!programName.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw entry.Error("program", $"'{programName}' is not a program; write builtin:NAME (valid: {string.Join(", ", BuiltinPrograms.Names.Select(n => prefix + n))})");
        }

        var name = programName[prefix.Length..];
        switch (name)
        {
            case "watch":
                if (parameters is null)
                {
                    throw entry.Error("params", "builtin:watch needs params.flags");
                }

                parameters.RejectUnknownKeys("flags", "rtt_samples");
                var flags = SockOpsCallbackFlags.None;
                foreach (var (flagName, flagNode, flagPath) in parameters.ScalarSequence("flags"))
                {
                    if (!CallbackFlagNames.TryParse(flagName, out var flag))
                    {
                        var suggestion = YamlMap.Suggest(flagName, CallbackFlagNames.Names);
                        throw parameters.Error(flagNode, flagPath,
                            $"unknown callback flag '{flagName}'{(suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?")} (valid: {string.Join(", ", CallbackFlagNames.Names)})");
                    }

                    if (((int)flag & kernel.AllCallbackFlags) == 0)
                    {
                        throw parameters.Error(flagNode, flagPath, $"Linux {kernel.Version} has no {flagName} callback flag");
                    }

                    flags |= flag;
                }

                var samples = parameters.Integer("rtt_samples");
                if (samples is < 1 or > int.MaxValue)
                {
                    throw parameters.Error("rtt_samples", "counts at least one RTT callback");
                }

                return new WatchProgram(flags, (int?)samples);
            default:
                var guess = YamlMap.Suggest(name, BuiltinPrograms.Names);
                throw entry.Error("program",
                    $"unknown program '{programName}'{(guess is null ? string.Empty : $"; did you mean '{prefix}{guess}'?")} (valid: {string.Join(", ", BuiltinPrograms.Names.Select(n => prefix + n))})");
        }
    }

    private static HashSet<TraceKind> ReadTrace(YamlMap root)
    {
        if (!root.Has("trace"))
        {
            return [TraceKind.Cwnd, TraceKind.SockOps];
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

    private static void RequireHost(YamlMap map, YamlNode node, string path, string host, List<string> hosts)
    {
        if (!hosts.Contains(host))
        {
            var suggestion = YamlMap.Suggest(host, hosts);
            throw map.Error(node, path, $"no host named '{host}'{(suggestion is null ? string.Empty : $"; did you mean '{suggestion}'?")} (hosts: {string.Join(", ", hosts)})");
        }
    }
}
