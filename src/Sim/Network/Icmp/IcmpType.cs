namespace NetSim.Sim.Network.Icmp;

/// <summary>The ICMP error types a TCP sender hears of (RFC 792; Linux icmp_unreach(), tcp_v4_err()).</summary>
public enum IcmpType : byte
{
    DestinationUnreachable = 3,
    SourceQuench = 4,
    TimeExceeded = 11,
    ParameterProblem = 12,
}
