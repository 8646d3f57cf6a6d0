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
    Md5Signature = 19,
    FastOpen = 34,
    AccEcnOrder0 = AccEcnOption.Order0Kind,
    AccEcnOrder1 = AccEcnOption.Order1Kind,
    Experimental = 254,
}

/// <summary>
/// One option as it sits in the header: the kind and its values (MSS, shift, TSval and TSecr),
/// the SACK blocks, the Fast Open option (kind 34, or 254 with its magic), the Accurate ECN
/// option's counter fields in wire order, or an MD5 signature's digest (RFC 2385).
/// </summary>
public sealed record TcpOption(TcpOptionKind Kind, uint Value = 0, uint Echo = 0, IReadOnlyList<SackBlock>? Blocks = null, FastOpenOption? FastOpen = null, IReadOnlyList<uint>? Fields = null, byte[]? Digest = null)
{
    public static TcpOption Nop { get; } = new(TcpOptionKind.Nop);

    /// <summary>The name packetdrill writes an Accurate ECN option's field <paramref name="index"/> with (kind 174 lists ECT(1) first).</summary>
    public static string AccEcnFieldName(TcpOptionKind kind, int index) =>
        AccEcnOption.FieldCodepoint(index, kind == TcpOptionKind.AccEcnOrder1) switch
        {
            EcnCodepoint.Ect0 => "e0b",
            EcnCodepoint.Ce => "ceb",
            _ => "e1b",
        };
}
