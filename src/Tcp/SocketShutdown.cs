namespace NetSim.Tcp;

/// <summary>
/// The directions of a socket shut down (sk->sk_shutdown): RCV_SHUTDOWN 1 and SEND_SHUTDOWN 2,
/// SHUTDOWN_MASK both. shutdown(2)'s SHUT_RD, SHUT_WR and SHUT_RDWR are these values less one.
/// </summary>
[Flags]
public enum SocketShutdown
{
    None = 0,

    /// <summary>RCV_SHUTDOWN: set by shutdown(SHUT_RD), close() and the peer's FIN; a read past the data returns 0.</summary>
    Receive = 1,

    /// <summary>SEND_SHUTDOWN: set by shutdown(SHUT_WR) and close(); a FIN follows the queued data.</summary>
    Send = 2,

    Both = Receive | Send,
}
