using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

/// <summary>One run of the attached programs at one op: what they were given and what they did.</summary>
public sealed record SockOpsInvocation(
    SimTime Time,
    TcpConnection Connection,
    string Scope,
    SockOp Op,
    uint Arg0,
    uint Arg1,
    uint Arg2,
    bool IsFullSocket,
    SockOpsCallbackFlags FlagsBefore,
    SockOpsCallbackFlags FlagsAfter,
    uint Reply,
    int Result,
    string HelperCalls,
    string? Error);
