using NetSim.SockOps;

namespace NetSim.Scenarios.Model;

/// <summary>A sock_ops program and the hosts whose sockets run it (the cgroups it is attached to).</summary>
public sealed record SockOpsAttachment(string ProgramName, IReadOnlyList<string> Hosts, SockOpsProgram Program);
