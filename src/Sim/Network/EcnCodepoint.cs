namespace NetSim.Sim.Network;

/// <summary>The ECN field of the IP header (RFC 3168 §5).</summary>
public enum EcnCodepoint : byte
{
    NotEct = 0b00,
    Ect1 = 0b01,
    Ect0 = 0b10,
    Ce = 0b11,
}
