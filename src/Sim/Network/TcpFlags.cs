namespace NetSim.Sim.Network;

/// <summary>
/// The TCP control bits, with their positions in the header (RFC 9293 §3.1, RFC 3168), and AE, the
/// bit before CWR that Accurate ECN uses (RFC 9768 §3.2; Linux TCPHDR_AE).
/// </summary>
[Flags]
public enum TcpFlags : ushort
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
    Urg = 0x20,
    Ece = 0x40,
    Cwr = 0x80,
    Ae = 0x100,
}
