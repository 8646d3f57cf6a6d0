namespace NetSim.Tcp.Hooks;

/// <summary>
/// The narrow interface through which the TCP code calls sock_ops programs; the SockOps project
/// implements it. Call sites and argument meanings follow Linux (include/net/tcp.h tcp_call_bpf).
/// </summary>
public interface ISockOpsDispatcher
{
    /// <summary>
    /// Runs the programs attached for <paramref name="connection"/>. Returns the context's reply
    /// when every program returned 1, -1 when one returned 0, and 0 when none is attached.
    /// <paramref name="segment"/> is the segment of a header-option op or an ESTABLISHED callback.
    /// </summary>
    int Call(TcpConnection connection, SockOp op, uint arg0 = 0, uint arg1 = 0, uint arg2 = 0, SockOpsSkb? segment = null);
}
