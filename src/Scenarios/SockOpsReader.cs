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
    private const string BuiltinPrefix = "builtin:";

    public static List<SockOpsAttachment> Read(YamlMap root, Topology topology, KernelModel kernel)
    {
        var attachments = new List<SockOpsAttachment>();
        foreach (var (node, path) in root.Sequence("sockops"))
        {
            var entry = new YamlMap(root.File, path, node);
            entry.RejectUnknownKeys("program", "attach", "params");
            var programName = entry.RequireScalar("program");
            var attach = entry.RequireMap("attach");
            attach.RejectUnknownKeys("hosts");
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

            if (hosts.Count == 0)
            {
                throw attach.Error("hosts", "attach the program to at least one host");
            }

            attachments.Add(new SockOpsAttachment(programName, hosts, CreateProgram(entry, programName, entry.Map("params"), kernel)));
        }

        return attachments;
    }

    private static SockOpsProgram CreateProgram(YamlMap entry, string programName, YamlMap? parameters, KernelModel kernel)
    {
        var valid = string.Join(", ", BuiltinPrograms.Names.Select(n => BuiltinPrefix + n));
        if (!programName.StartsWith(BuiltinPrefix, StringComparison.Ordinal))
        {
            throw entry.Error("program", $"'{programName}' is not a program; write builtin:NAME (valid: {valid})");
        }

        var name = programName[BuiltinPrefix.Length..];
        if (name == "cong")
        {
            return CongProgram(parameters);
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
}
