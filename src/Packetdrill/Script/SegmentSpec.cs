using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Script;

/// <summary>
/// A TCP segment as a script writes it: flags, relative sequence range, and the fields given.
/// A field left out is not checked on an expected segment (<c>win</c>, options); an inbound
/// segment without options carries none; nor is the IP ECN field when not written.
/// </summary>
public sealed record SegmentSpec(
    TcpFlags Flags,
    uint Start,
    uint End,
    int PayloadLength,
    uint? Ack,
    ushort? Window,
    IReadOnlyList<TcpOption>? Options,
    ScriptEcn? Ecn = null)
{
    public bool HasFlag(TcpFlags flag) => (Flags & flag) != 0;
}
