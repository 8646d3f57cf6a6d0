namespace NetSim.Tcp;

/// <summary>
/// The connection states of RFC 9293 §3.3.2. The numeric values are Linux's TCP_* states, which
/// are also the BPF_TCP_* values a sock_ops program reads (include/net/tcp_states.h).
/// </summary>
public enum TcpState
{
    Established = 1,
    SynSent = 2,
    SynReceived = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    Closed = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
}
