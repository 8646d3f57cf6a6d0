using NetSim.Packetdrill.Script;
using NetSim.Tcp;
using NetSim.Tcp.FastOpen;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The socket calls of TCP Fast Open: sendto(MSG_FASTOPEN) and the deferred connect of
/// TCP_FASTOPEN_CONNECT on the client, TCP_FASTOPEN_KEY and TCP_FASTOPEN_CONNECT's checks.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>
    /// The socket's active open, with <paramref name="synData"/> bytes offered to its SYN (Fast
    /// Open) or none: null when no local port will do (EADDRNOTAVAIL). Its SYN sets new ISNs, ports
    /// and TSval baseline for the script's numbers (packetdrill's new socket under test); a
    /// connection that took over a TIME-WAIT socket's 4-tuple is the script's from then on, not
    /// retired with the old one.
    /// </summary>
    private TcpConnection? OpenActive(ScriptSocket socket, long? synData)
    {
        if (_localPort is { } localPort)
        {
            _retiredConnections.Add((localPort, _remotePort));
        }

        _localIsn = null;
        _firstTs = null;
        _remoteIsn = 0;
        TcpConnection connection;
        try
        {
            connection = synData is { } bytes
                ? _stack.ConnectWithData(_remoteAddress, ScriptPort, bytes, socket.PendingSettings, beforeSyn: c => ApplyPendingOptions(socket, c), binding: socket.Binding)
                : _stack.Connect(_remoteAddress, ScriptPort, socket.PendingSettings, beforeSyn: c => ApplyPendingOptions(socket, c), binding: socket.Binding);
        }
        catch (AddressNotAvailableException)
        {
            return null;
        }

        _retiredConnections.Remove((connection.LocalPort, connection.RemotePort));
        // tcp_connect_init() clears the socket's pending error (sk_err).
        socket.Connection = connection;
        socket.ErrorReported = false;
        socket.State = SocketState.Connecting;
        _socketUnderTest = connection;
        return connection;
    }

    /// <summary>
    /// sendto(MSG_FASTOPEN) on a socket not yet connected, or the first write after a deferred
    /// TCP_FASTOPEN_CONNECT connect() (tcp_sendmsg_fastopen()): the connection opens with what
    /// fits of the data in its SYN. Non-blocking, the call returns the bytes the SYN took, or
    /// EINPROGRESS if none; blocking, it waits for the handshake, the rest of the data waiting
    /// with it (inet_wait_for_connect() sets sk_write_pending), then writes the rest.
    /// </summary>
    private SyscallOutcome FastOpenWrite(ScriptSocket socket, long bytes, SendFlags flags, bool nonBlocking, bool fastOpenFlag)
    {
        var settings = SettingsOf(socket);
        if (fastOpenFlag && (settings.FastOpen & FastOpenMode.ClientEnable) == 0)
        {
            return SyscallOutcome.Fail("EOPNOTSUPP");
        }

        if (OpenActive(socket, bytes) is not { } connection)
        {
            return SyscallOutcome.Fail(AddressNotAvailableException.Errno);
        }

        socket.DeferredConnect = false;
        var copied = connection.FastOpenCopied;
        if (nonBlocking)
        {
            return copied > 0 ? SyscallOutcome.Return(copied) : SyscallOutcome.Fail("EINPROGRESS");
        }

        connection.WritePending = copied < bytes;
        return SyscallOutcome.WaitFor(() => connection.State != TcpState.SynSent, () =>
        {
            connection.WritePending = false;
            if (connection.State != TcpState.Established)
            {
                socket.State = SocketState.Unconnected;
                return SyscallOutcome.Fail(TakeError(socket) ?? "ECONNREFUSED");
            }

            socket.State = SocketState.Connected;
            return WriteData(socket, connection, bytes, copied, flags, nonBlocking: false);
        });
    }

    /// <summary>
    /// setsockopt(fd, SOL_TCP, TCP_FASTOPEN_KEY, "\xa1...", 16): the listener's own Fast Open key, 16
    /// bytes or 32 with a backup; another length is -EINVAL.
    /// </summary>
    private SyscallOutcome SetFastOpenKey(SyscallEvent call, ScriptSocket socket)
    {
        var key = call.Arguments.Count > 3 ? CString.Decode(call.Arguments[3]) : [];
        var length = call.Arguments.Count > 4 ? (int)IntegerArgument(call, 4) : key.Length;
        key = key.AsSpan(0, Math.Min(length, key.Length)).ToArray();
        if (length != key.Length || FastOpenKeys.FromBytes(key) is null)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        if (socket.Listener is { } listener)
        {
            listener.SetFastOpenKey(key);
        }
        else
        {
            socket.PendingFastOpenKey = key;
        }

        return SyscallOutcome.Return(0);
    }

    /// <summary>
    /// setsockopt(TCP_FASTOPEN_CONNECT) (do_tcp_setsockopt()): 0 or 1, on a socket not yet
    /// connected, with the client side of net.ipv4.tcp_fastopen on (else EOPNOTSUPP).
    /// </summary>
    private SyscallOutcome SetFastOpenConnect(ScriptSocket socket, long value)
    {
        if (value is < 0 or > 1)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        if ((SettingsOf(socket).FastOpen & FastOpenMode.ClientEnable) == 0)
        {
            return SyscallOutcome.Fail("EOPNOTSUPP");
        }

        // do_tcp_setsockopt(): only in CLOSE.
        if (!socket.InClose || socket.DeferredConnect)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        socket.FastOpenConnect = value == 1;
        return SyscallOutcome.Return(0);
    }
}
