using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using NetSim.SockOps;
using NetSim.SockOps.Kernel;
using NetSim.SockOps.Programs;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Scenarios;

/// <summary>Reads <c>sockops</c>: which program, attached to which hosts' sockets, with which parameters.</summary>
internal static class SockOpsReader
{
    private const string BuiltinPrefix = BuiltinPrograms.Prefix;
    private const string FilePrefix = "file:";

    public static List<SockOpsAttachment> Read(YamlMap root, Topology topology, KernelModel kernel, IReadOnlyList<FlowSpec> flows)
    {
        var attachments = new List<SockOpsAttachment>();
        foreach (var (node, path) in root.Sequence("sockops"))
        {
            var entry = new YamlMap(root.File, path, node);
            entry.RejectUnknownKeys(ScenarioFields.SockOpsEntry);
            var programName = entry.RequireScalar("program");
            var attach = entry.RequireMap("attach");
            attach.RejectUnknownKeys(ScenarioFields.Attach);
            var hosts = new List<string>();
            foreach (var (host, hostNode, hostPath) in attach.ScalarSequence("hosts"))
            {
                TopologyReader.RequireNode(attach, hostNode, hostPath, host, topology);
                if (!topology.IsHost(host))
                {
                    throw attach.Error(hostNode, hostPath, $"'{host}' is a router; sock_ops programs run on hosts' sockets");
                }

                hosts.Add(host);
            }

            var ports = ReadPorts(attach, flows, hosts);
            if (hosts.Count == 0)
            {
                throw attach.Error("hosts", "attach the program to at least one host (or name flows: their endpoints are the hosts)");
            }

            var stopOnError = entry.Scalar("on_error") switch
            {
                null or "continue" => false,
                "stop" => true,
                var other => throw entry.Error("on_error", $"unknown choice '{other}' (valid: continue, stop)"),
            };
            attachments.Add(new SockOpsAttachment(programName, hosts, CreateProgram(entry, programName, entry.Map("params"), kernel), ports, stopOnError));
        }

        return attachments;
    }

    private static SockOpsProgram CreateProgram(YamlMap entry, string programName, YamlMap? parameters, KernelModel kernel)
    {
        var valid = string.Join(", ", BuiltinPrograms.Names.Select(n => BuiltinPrefix + n));
        if (programName.StartsWith(FilePrefix, StringComparison.Ordinal))
        {
            return SourceProgram(entry, programName[FilePrefix.Length..].Trim(), parameters);
        }

        if (!programName.StartsWith(BuiltinPrefix, StringComparison.Ordinal))
        {
            throw entry.Error("program", $"'{programName}' is not a program; write builtin:NAME (valid: {valid}) or file:PATH.cs");
        }

        var name = programName[BuiltinPrefix.Length..];
        if (name == "cong")
        {
            return CongProgram(parameters);
        }

        if (name == "dumpstats")
        {
            parameters?.RejectUnknownKeys("interval_ms");
            var interval = parameters?.Integer("interval_ms") ?? 1000;
            return interval is < 1 or > int.MaxValue
                ? throw parameters!.Error("interval_ms", "must be at least 1 ms")
                : new DumpstatsProgram((ulong)interval * 1_000_000);
        }

        if (name is "tcpbpf" or "tcp_rtt" or "net_timestamping")
        {
            parameters?.RejectUnknownKeys();
            return name switch
            {
                "tcpbpf" => new TcpbpfProgram(),
                "tcp_rtt" => new TcpRttProgram(),
                _ => new NetTimestampingProgram(),
            };
        }

        if (KernelSamples.All.TryGetValue(name, out var sample))
        {
            return KernelSampleProgram(name, sample.Parameters, parameters);
        }

        if (name != "watch")
        {
            throw entry.Error("program", $"unknown program '{programName}'{YamlMap.DidYouMean(name, BuiltinPrograms.Names, BuiltinPrefix)} (valid: {valid})");
        }

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
                throw parameters.Error(flagNode, flagPath,
                    $"unknown callback flag '{flagName}'{YamlMap.DidYouMean(flagName, CallbackFlagNames.Names)} (valid: {string.Join(", ", CallbackFlagNames.Names)})");
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
    }

    /// <summary>A samples/bpf program; its parameters are whole numbers, each defaulting to the sample's constant.</summary>
    private static SockOpsProgram KernelSampleProgram(string name, IReadOnlyDictionary<string, int> defaults, YamlMap? parameters)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        if (parameters is not null)
        {
            parameters.RejectUnknownKeys([.. defaults.Keys]);
            foreach (var key in defaults.Keys)
            {
                if (parameters.Integer(key) is { } value)
                {
                    values[key] = value is < int.MinValue or > int.MaxValue ? throw parameters.Error(key, "must fit in a C int") : (int)value;
                }
            }
        }

        return KernelSamples.Create(name, values);
    }

    private static CongProgram CongProgram(YamlMap? parameters)
    {
        parameters?.RejectUnknownKeys("algorithm", "ecn");
        var algorithm = parameters?.Scalar("algorithm") ?? "dctcp";
        if (!CongestionControlRegistry.TryCreate(algorithm, out _))
        {
            throw parameters!.Error("algorithm", $"unknown congestion control '{algorithm}' (valid: {string.Join(", ", CongestionControlRegistry.Names)})");
        }

        return new CongProgram(algorithm, parameters?.Boolean("ecn") ?? true);
    }

    /// <summary>
    /// A program compiled from C# source, the path relative to the scenario's folder; its params are
    /// handed over as strings. A compile error points into the source file.
    /// </summary>
    private static SockOpsProgram SourceProgram(YamlMap entry, string relativePath, YamlMap? parameters)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(entry.File)) ?? Directory.GetCurrentDirectory();
        var path = Path.GetFullPath(Path.Combine(folder, relativePath));
        if (!File.Exists(path))
        {
            throw entry.Error("program", $"no program source at {path}");
        }

        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in parameters?.Keys ?? [])
        {
            values[key] = parameters!.Scalar(key) ?? throw parameters.Error(key, "a program parameter is a single value");
        }

        try
        {
            return SourceProgramCompiler.Compile(path, values);
        }
        catch (ProgramCompileException ex)
        {
            throw new ScenarioException(ex.File, ex.Line, ex.Column, entry.FieldPath("program"), ex.Problem);
        }
    }

    /// <summary>
    /// Narrows an attachment to sockets by port: <c>ports</c> directly, and <c>flows</c> by their
    /// connection's port (a flow's sender and receiver both have it), adding the flows' endpoints
    /// to the hosts when none are named. Null when neither narrows it.
    /// </summary>
    private static SortedSet<ushort>? ReadPorts(YamlMap attach, IReadOnlyList<FlowSpec> flows, List<string> hosts)
    {
        if (!attach.Has("ports") && !attach.Has("flows"))
        {
            return null;
        }

        var ports = new SortedSet<ushort>();
        foreach (var (text, node, path) in attach.ScalarSequence("ports"))
        {
            if (!ushort.TryParse(text, out var port) || port == 0)
            {
                throw attach.Error(node, path, $"'{text}' is not a port (1 to 65535)");
            }

            ports.Add(port);
        }

        var namedHosts = hosts.Count > 0;
        var names = flows.Select(f => f.Name).ToList();
        foreach (var (name, node, path) in attach.ScalarSequence("flows"))
        {
            var index = names.IndexOf(name);
            if (index < 0)
            {
                throw attach.Error(node, path, $"no flow named '{name}'{YamlMap.DidYouMean(name, names)} (flows: {string.Join(", ", names)})");
            }

            ports.Add((ushort)(ScenarioBuilder.FirstPort + index));
            foreach (var host in namedHosts ? [] : new[] { flows[index].From, flows[index].To })
            {
                if (!hosts.Contains(host))
                {
                    hosts.Add(host);
                }
            }
        }

        return ports.Count > 0 ? ports : throw attach.Error("ports", "name at least one port or flow");
    }
}
