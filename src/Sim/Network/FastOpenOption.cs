namespace NetSim.Sim.Network;

/// <summary>
/// The TCP Fast Open option of a SYN or SYN-ACK (RFC 7413 §4.1.1): kind 34, or the experimental
/// kind 254 with magic 0xF989 (RFC 6994) that clients used before IANA assigned 34, with a cookie,
/// or with none: a client asking for one. Made once per handshake and shared by the packets that
/// carry it, so it is immutable.
/// </summary>
public sealed class FastOpenOption
{
    /// <summary>TCPOPT_FASTOPEN.</summary>
    public const byte IanaKind = 34;

    /// <summary>TCPOPT_EXP: the experimental kind, followed by <see cref="ExperimentalMagic"/>.</summary>
    public const byte ExperimentalKind = 254;

    /// <summary>TCPOPT_FASTOPEN_MAGIC.</summary>
    public const ushort ExperimentalMagic = 0xF989;

    private readonly byte[] _cookie;

    public FastOpenOption(ReadOnlySpan<byte> cookie, bool experimental)
    {
        _cookie = cookie.ToArray();
        Experimental = experimental;
    }

    /// <summary>The cookie; empty in a client's request for one.</summary>
    public ReadOnlySpan<byte> Cookie => _cookie;

    /// <summary>Whether the option is the experimental kind 254 rather than 34.</summary>
    public bool Experimental { get; }

    /// <summary>The option's length field: kind, length (and magic) and cookie (TCPOLEN_FASTOPEN_BASE 2, TCPOLEN_EXP_FASTOPEN_BASE 4).</summary>
    public int Length => (Experimental ? 4 : 2) + _cookie.Length;

    /// <summary>Bytes it takes in the header: Linux tcp_options_write() pads a length of 4n + 2 with two NOPs.</summary>
    public int PaddedLength => (Length + 3) & ~3;

    /// <summary>Same kind and same cookie bytes.</summary>
    public bool SameAs(FastOpenOption other) => Experimental == other.Experimental && Cookie.SequenceEqual(other.Cookie);

    public override string ToString() => $"{(Experimental ? "FOEXP" : "FO")}{(_cookie.Length > 0 ? " " + Convert.ToHexStringLower(_cookie) : string.Empty)}";
}
