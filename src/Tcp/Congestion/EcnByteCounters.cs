using NetSim.Sim.Network;

namespace NetSim.Tcp.Congestion;

/// <summary>
/// Payload bytes counted by the IP ECN codepoint they arrived with (Linux received_ecn_bytes and
/// delivered_ecn_bytes, indexed by codepoint - 1); Not-ECT bytes are not counted (RFC 9768 §3.2.1).
/// </summary>
public struct EcnByteCounters
{
    public uint Ect1 { get; set; }
    public uint Ect0 { get; set; }
    public uint Ce { get; set; }

    /// <summary>The counter of an ECT or CE codepoint.</summary>
    public readonly uint Of(EcnCodepoint codepoint) => codepoint switch
    {
        EcnCodepoint.Ect1 => Ect1,
        EcnCodepoint.Ect0 => Ect0,
        _ => Ce,
    };

    public void Add(EcnCodepoint codepoint, uint bytes)
    {
        switch (codepoint)
        {
            case EcnCodepoint.Ect1:
                Ect1 += bytes;
                break;
            case EcnCodepoint.Ect0:
                Ect0 += bytes;
                break;
            case EcnCodepoint.Ce:
                Ce += bytes;
                break;
        }
    }
}
