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
    FastOpen = 34,
    Experimental = 254,
}

/// <summary>
/// One option as it sits in the header: the kind and its values (MSS, shift, TSval and TSecr),
/// the SACK blocks, or the Fast Open option (kind 34, or 254 with its magic).
/// </summary>
public sealed record TcpOption(TcpOptionKind Kind, uint Value = 0, uint Echo = 0, IReadOnlyList<SackBlock>? Blocks = null, FastOpenOption? FastOpen = null)
{
    public static TcpOption Nop { get; } = new(TcpOptionKind.Nop);
}
