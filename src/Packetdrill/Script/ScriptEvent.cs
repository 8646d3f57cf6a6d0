using NetSim.Sim.Network.Icmp;

namespace NetSim.Packetdrill.Script;

/// <summary>One line of a script, with the line number it came from.</summary>
public abstract record ScriptEvent(int Line, ScriptTime Time, string Text);

/// <summary><c>&lt;</c> a segment the script injects, or <c>&gt;</c> one it expects the stack to send.</summary>
public sealed record PacketEvent(int Line, ScriptTime Time, string Text, bool Inbound, SegmentSpec Segment) : ScriptEvent(Line, Time, Text);

/// <summary>A socket call and the result it must return: a value, or -1 with an errno name.</summary>
public sealed record SyscallEvent(int Line, ScriptTime Time, string Text, string Name, IReadOnlyList<string> Arguments, long Result, string? Errno)
    : ScriptEvent(Line, Time, Text);

/// <summary>A shell command in backticks: reported as skipped, since the simulator has no shell.</summary>
public sealed record ShellEvent(int Line, ScriptTime Time, string Text) : ScriptEvent(Line, Time, Text);

/// <summary><c>%{ ... }%</c>: Python that packetdrill runs over the socket's TCP_INFO; here its <c>assert tcpi_x OP value</c> lines are checked.</summary>
public sealed record CodeEvent(int Line, ScriptTime Time, string Text, string Code) : ScriptEvent(Line, Time, Text);

/// <summary>
/// <c>&lt; icmp unreachable frag_needed mtu 1200 [1:1461(1460)]</c>: an ICMP error the script
/// injects about a segment the endpoint sent, whose sequence number (in the endpoint's script
/// space) the bracket gives, 0 without one as in packetdrill.
/// </summary>
public sealed record IcmpEvent(int Line, ScriptTime Time, string Text, IcmpType Type, byte Code, int Mtu, uint QuotedSequence)
    : ScriptEvent(Line, Time, Text);
