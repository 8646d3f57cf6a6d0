using NetSim.SockOps;

namespace NetSim.Scenarios.Model;

/// <summary>
/// A sock_ops program and the sockets that run it (the cgroup it is attached to): those of the
/// hosts, narrowed to the ones with a local or remote port among <paramref name="Ports"/> when given.
/// With <paramref name="StopOnError"/> (<c>on_error: stop</c>) a program that throws stops the run.
/// </summary>
public sealed record SockOpsAttachment(string ProgramName, IReadOnlyList<string> Hosts, SockOpsProgram Program, IReadOnlySet<ushort>? Ports = null, bool StopOnError = false);
