using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

/// <summary>A record a program emitted with <see cref="SockOpsContext.bpf_output"/>: when, from which socket, op and program.</summary>
public sealed record SockOpsOutput(SimTime Time, TcpConnection Connection, SockOp Op, string Program, string Record);
