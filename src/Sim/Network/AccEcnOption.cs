namespace NetSim.Sim.Network;

/// <summary>
/// The Accurate ECN option (RFC 9768 §3.2.3): the data receiver's byte counters of payload that
/// arrived ECT(0), CE and ECT(1), each the low 24 bits, as many of them as fit. Kind 172 (order 0)
/// lists ECT(0) first, kind 174 (order 1) ECT(1) first; CE is second in both. The values are the
/// wire's, initial offsets included (EE0B and EE1B start at 1).
/// </summary>
public sealed class AccEcnOption
{
    /// <summary>IANA kind of the option listing ECT(0), CE, ECT(1) (TCPOPT_ACCECN0).</summary>
    public const byte Order0Kind = 172;

    /// <summary>IANA kind of the option listing ECT(1), CE, ECT(0) (TCPOPT_ACCECN1), the order Linux sends.</summary>
    public const byte Order1Kind = 174;

    /// <summary>Bytes of each counter field (TCPOLEN_ACCECN_PERFIELD).</summary>
    public const int FieldBytes = 3;

    /// <summary>Whether the option is kind 174: ECT(1) first, ECT(0) last.</summary>
    public bool Order1 { get; set; }

    /// <summary>Counter fields carried, 0 to 3 (an option of kind and length alone is legal).</summary>
    public int FieldCount { get; set; }

    /// <summary>EE0B: bytes that arrived ECT(0), plus 1, modulo 2^24.</summary>
    public uint E0b { get; set; }

    /// <summary>ECEB: bytes that arrived CE, modulo 2^24.</summary>
    public uint Ceb { get; set; }

    /// <summary>EE1B: bytes that arrived ECT(1), plus 1, modulo 2^24.</summary>
    public uint E1b { get; set; }

    /// <summary>
    /// Option bytes it takes in the header once laid out: its length, padded up to four bytes, or
    /// rounded down when its last one or two bytes take the place of the next option's NOPs (Linux
    /// tcp_options_fit_accecn()).
    /// </summary>
    public int AlignedBytes { get; set; }

    /// <summary>The option's length byte: kind and length, then three bytes per field.</summary>
    public int Length => 2 + (FieldBytes * FieldCount);

    /// <summary>The codepoint whose counter field <paramref name="index"/> carries (RFC 9768 Table 5; Linux tcp_accecn_optfield_to_ecnfield()).</summary>
    public static EcnCodepoint FieldCodepoint(int index, bool order1) => index switch
    {
        0 => order1 ? EcnCodepoint.Ect1 : EcnCodepoint.Ect0,
        1 => EcnCodepoint.Ce,
        _ => order1 ? EcnCodepoint.Ect0 : EcnCodepoint.Ect1,
    };

    /// <summary>The field in wire order, 24 bits.</summary>
    public uint FieldAt(int index) => CounterOf(FieldCodepoint(index, Order1)) & 0xFFFFFF;

    /// <summary>The counter of an ECT or CE codepoint as written.</summary>
    public uint CounterOf(EcnCodepoint codepoint) => codepoint switch
    {
        EcnCodepoint.Ect0 => E0b,
        EcnCodepoint.Ce => Ceb,
        _ => E1b,
    };

    /// <summary>Writes the counter of an ECT or CE codepoint.</summary>
    public void SetCounter(EcnCodepoint codepoint, uint value)
    {
        switch (codepoint)
        {
            case EcnCodepoint.Ect0:
                E0b = value;
                break;
            case EcnCodepoint.Ce:
                Ceb = value;
                break;
            default:
                E1b = value;
                break;
        }
    }

    public void CopyTo(AccEcnOption copy)
    {
        copy.Order1 = Order1;
        copy.FieldCount = FieldCount;
        copy.E0b = E0b;
        copy.Ceb = Ceb;
        copy.E1b = E1b;
        copy.AlignedBytes = AlignedBytes;
    }
}
