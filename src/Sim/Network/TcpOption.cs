namespace NetSim.Sim.Network;

/// <summary>TCP option kinds (IANA "TCP Option Kind Numbers").</summary>
public enum TcpOptionKind : byte
{
    End = 0,
    Nop = 1,
    Mss = 2,
    WindowScale = 3,
    SackPermitted = 4,
    Sack = 5,
    Timestamps = 8,
}

/// <summary>
/// One option as it sits in the header: the kind and its values (MSS, shift, TSval and TSecr),
/// or the SACK blocks.
/// </summary>
public sealed record TcpOption(TcpOptionKind Kind, uint Value = 0, uint Echo = 0, IReadOnlyList<SackBlock>? Blocks = null)
{
    public static TcpOption Nop { get; } = new(TcpOptionKind.Nop);
}
