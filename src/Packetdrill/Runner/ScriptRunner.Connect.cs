using NetSim.Packetdrill.Script;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The calls that make and unmake a socket's association, by the socket layer's own state
/// (<see cref="SocketState"/>) as Linux's __inet_stream_connect() and inet_shutdown() keep it.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>
    /// connect(), or with AF_UNSPEC a disconnect. After TCP_FASTOPEN_CONNECT it returns 0 at once
    /// and leaves the SYN to the first write when data may go in it, else sends a SYN asking for a
    /// cookie (tcp_fastopen_defer_connect()).
    /// </summary>
    private SyscallOutcome Connect(SyscallEvent call)
    {
        var socket = SocketOf(call);

        // connect(AF_UNSPEC) dissolves the association (tcp_disconnect()): the socket, in CLOSE with
        // ECONNRESET pending where a RST went, may connect again.
        if (call.Arguments.Count > 1 && call.Arguments[1] == "AF_UNSPEC")
        {
            socket.Connection?.Disconnect();
            socket.DeferredConnect = false;
            socket.ErrorReported = false;
            socket.State = SocketState.Unconnected;
            return SyscallOutcome.Return(0);
        }

        switch (socket.State)
        {
            case SocketState.Connecting:
                return ConnectOutcome(socket);
            case SocketState.Connected:
                return SyscallOutcome.Fail("EISCONN");
            case SocketState.Disconnecting:
                return SyscallOutcome.Fail("EINVAL");
        }

        // SS_UNCONNECTED: only a socket in CLOSE may connect; a listener is EISCONN.
        if (!socket.InClose)
        {
            return SyscallOutcome.Fail("EISCONN");
        }

        // A deferred connect has no connection until the first write: a gone one is let go.
        if (socket.FastOpenConnect && TcpConnection.CanSendSynData(_stack, SettingsOf(socket), _remoteAddress))
        {
            socket.Connection = null;
            socket.DeferredConnect = true;
            socket.State = SocketState.Connecting;
            return SyscallOutcome.Return(0);
        }

        if (OpenActive(socket, socket.FastOpenConnect ? 0 : null) is null)
        {
            return SyscallOutcome.Fail(AddressNotAvailableException.Errno);
        }

        return socket.NonBlocking ? SyscallOutcome.Fail("EINPROGRESS") : ConnectOutcome(socket);
    }

    /// <summary>
    /// __inet_stream_connect() on a socket whose connect has started: while the handshake runs, a
    /// non-blocking call is EALREADY (EISCONN when the connect was deferred to the first write)
    /// and a blocking one waits; then a connection reset, refused or timed out gives its error
    /// (ECONNABORTED once reported) and the socket may connect again, and an established one
    /// returns 0, once: the socket is connected from then on.
    /// </summary>
    private SyscallOutcome ConnectOutcome(ScriptSocket socket)
    {
        if (socket.Connection is not { } connection)
        {
            return SyscallOutcome.Fail("EISCONN");
        }

        SyscallOutcome Outcome()
        {
            if (connection.State == TcpState.Closed)
            {
                socket.State = SocketState.Unconnected;
                return SyscallOutcome.Fail(TakeError(socket) ?? "ECONNABORTED");
            }

            socket.State = SocketState.Connected;
            return SyscallOutcome.Return(0);
        }

        bool Handshaking() => connection.State is TcpState.SynSent or TcpState.SynReceived;
        if (!Handshaking())
        {
            return Outcome();
        }

        return socket.NonBlocking ? SyscallOutcome.Fail("EALREADY") : SyscallOutcome.WaitFor(() => !Handshaking(), Outcome);
    }

    /// <summary>
    /// shutdown(fd, SHUT_RD | SHUT_WR | SHUT_RDWR), as inet_shutdown(): a listener stops listening
    /// when reading is shut, a connect in progress is abandoned, and a socket never connected
    /// answers ENOTCONN (<see cref="TcpConnection.Shutdown(SocketShutdown)"/>).
    /// </summary>
    private SyscallOutcome Shutdown(SyscallEvent call)
    {
        var socket = SocketOf(call);
        SocketShutdown? how = call.Arguments.Count > 1 ? call.Arguments[1] switch
        {
            "SHUT_RD" or "0" => SocketShutdown.Receive,
            "SHUT_WR" or "1" => SocketShutdown.Send,
            "SHUT_RDWR" or "2" => SocketShutdown.Both,
            _ => null,
        } : null;
        if (how is not { } directions)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        // A Fast Open connect deferred to the first write is in SYN-SENT: tcp_disconnect() abandons it.
        if (socket.Connection is null && socket.DeferredConnect)
        {
            socket.DeferredConnect = false;
            socket.State = SocketState.Unconnected;
            return SyscallOutcome.Return(0);
        }

        // inet_shutdown(): a connect still reporting is over, abandoned in SYN-SENT, left
        // disconnecting in SYN-RECEIVED or CLOSE, connected otherwise.
        if (socket.State == SocketState.Connecting && socket.Connection is { } connecting)
        {
            socket.State = connecting.State switch
            {
                TcpState.SynSent => SocketState.Unconnected,
                TcpState.SynReceived or TcpState.Closed => SocketState.Disconnecting,
                _ => SocketState.Connected,
            };
        }

        var result = (socket.Connection ?? socket.Listener)?.Shutdown(directions) ?? TcpConnection.NotConnected;
        return result == 0 ? SyscallOutcome.Return(0) : SyscallOutcome.Fail("ENOTCONN");
    }
}
