namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The socket layer's own state (struct socket's socket_state), beside TCP's: what connect()
/// answers by (__inet_stream_connect()).
/// </summary>
internal enum SocketState
{
    /// <summary>SS_UNCONNECTED: new, listening, or back from a failed or dissolved connect.</summary>
    Unconnected,

    /// <summary>SS_CONNECTING: connect() has started (or been deferred) and not yet returned its outcome.</summary>
    Connecting,

    /// <summary>SS_CONNECTED: connect() returned 0, or accept() made it.</summary>
    Connected,

    /// <summary>SS_DISCONNECTING: shut down while connecting, where tcp_disconnect() did not run; connect() is EINVAL.</summary>
    Disconnecting,
}
