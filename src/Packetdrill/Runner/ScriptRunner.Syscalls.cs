using System.Globalization;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The socket calls a script makes (packetdrill run_system_call.c), on the simulated endpoint.
/// A blocking call runs the simulation until it can return; on a non-blocking socket it fails
/// with EAGAIN or EINPROGRESS instead.
/// </summary>
public sealed partial class ScriptRunner
{
    private static readonly SimTime BlockingLimit = SimTime.FromSeconds(3600);

    private void RunSyscall(SyscallEvent call)
    {
        var (result, errno) = call.Name switch
        {
            "socket" => Socket(),
            "bind" => (0, null),
            "listen" => Listen(call),
            "accept" => Accept(call),
            "connect" => Connect(call),
            "write" or "send" or "sendto" => Write(call),
            "read" or "recv" or "recvfrom" => Read(call),
            "close" => Close(call),
            "shutdown" => Shutdown(call),
            "setsockopt" => SetSocketOption(call),
            "getsockopt" => GetSocketOption(call),
            "fcntl" => Fcntl(call),
            _ => throw new ScriptFailedException($"{call.Name}(): not supported by the simulator (supported: socket, bind, listen, accept, connect, write, send, read, recv, close, shutdown, setsockopt, getsockopt, fcntl)"),
        };

        if (result != call.Result || (call.Errno is not null && errno != call.Errno))
        {
            var actual = errno is null ? result.ToString(CultureInfo.InvariantCulture) : $"{result} {errno}";
            var wanted = call.Errno is null ? call.Result.ToString(CultureInfo.InvariantCulture) : $"{call.Result} {call.Errno}";
            throw new ScriptFailedException($"{call.Name}() returned {actual}, expected {wanted} (at {Seconds(_simulation.Now)} s)");
        }

        if (call.Time.BlockingEnd is { } end)
        {
            var expected = (call.Time.IsRelative ? _previousEventEnd.Microseconds : 0) + end;
            if (Math.Abs(_simulation.Now.Microseconds - expected) > _tolerance)
            {
                throw new ScriptFailedException($"{call.Name}() returned at {Seconds(_simulation.Now)} s, expected at {Seconds(expected)} s (tolerance {_tolerance} us)");
            }
        }
    }

    /// <summary>A blocking call waits, in virtual time, until it can return; one that would wait an hour is a script error.</summary>
    private void Block(SyscallEvent call, Func<bool> ready)
    {
        if (!_simulation.RunUntil(ready, _simulation.Now + BlockingLimit))
        {
            throw new ScriptFailedException($"{call.Name}() blocked and had not returned {BlockingLimit} later (at {Seconds(_simulation.Now)} s)");
        }
    }

    private (long, string?) Socket()
    {
        var fd = 3;
        while (_sockets.ContainsKey(fd))
        {
            fd++;
        }

        _sockets[fd] = new ScriptSocket(fd);
        return (fd, null);
    }

    private ScriptSocket SocketOf(SyscallEvent call)
    {
        if (call.Arguments.Count == 0 || !int.TryParse(call.Arguments[0], CultureInfo.InvariantCulture, out var fd))
        {
            throw new ScriptFailedException($"{call.Name}(): the first argument must be a file descriptor");
        }

        return _sockets.TryGetValue(fd, out var socket) ? socket : throw new ScriptFailedException($"{call.Name}(): fd {fd} is not open (EBADF)");
    }

    private long IntegerArgument(SyscallEvent call, int index)
    {
        if (index >= call.Arguments.Count || !long.TryParse(call.Arguments[index], CultureInfo.InvariantCulture, out var value))
        {
            throw new ScriptFailedException($"{call.Name}(): argument {index + 1} must be a number");
        }

        return value;
    }

    private (long, string?) Listen(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var listener = _stack.Listen(ScriptPort, socket.PendingSettings, backlog: (int)IntegerArgument(call, 1));
        listener.ReadsOnArrival = false;
        listener.NoDelay = socket.PendingNoDelay;
        listener.KeepAlive = socket.PendingKeepAlive;
        socket.Listener = listener;
        return (0, null);
    }

    private (long, string?) Accept(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var listener = socket.Listener ?? throw new ScriptFailedException("accept(): the socket is not listening (EINVAL)");
        if (listener.AcceptQueueLength == 0)
        {
            if (socket.NonBlocking)
            {
                return (-1, "EAGAIN");
            }

            Block(call, () => listener.AcceptQueueLength > 0);
        }

        var (fd, _) = Socket();
        var child = listener.Accept()!;
        _sockets[(int)fd].Connection = child;
        return (fd, null);
    }

    private (long, string?) Connect(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var connection = _stack.Connect(RemoteAddress, ScriptPort, socket.PendingSettings);
        connection.ReadsOnArrival = false;
        connection.NoDelay = socket.PendingNoDelay;
        connection.KeepAlive = socket.PendingKeepAlive;
        socket.Connection = connection;
        if (socket.NonBlocking)
        {
            return (-1, "EINPROGRESS");
        }

        Block(call, () => connection.State != TcpState.SynSent);
        return connection.State == TcpState.Established ? (0, null) : (-1, connection.Error ?? "ETIMEDOUT");
    }

    private (long, string?) Write(SyscallEvent call)
    {
        var connection = ConnectionOf(call);
        var bytes = IntegerArgument(call, 2);
        if (connection.Error is { } error)
        {
            return (-1, error);
        }

        if (connection.State is not (TcpState.Established or TcpState.CloseWait) || ShutDownForWriting(connection))
        {
            return connection.State is TcpState.SynSent or TcpState.SynReceived ? (-1, "EAGAIN") : (-1, "EPIPE");
        }

        var socket = SocketOf(call);
        long written = connection.Write(bytes);
        while (written < bytes && !socket.NonBlocking && connection.Error is null)
        {
            Block(call, () => connection.SendBufferSpace > 0 || connection.Error is not null);
            if (connection.Error is null)
            {
                written += connection.Write(bytes - written);
            }
        }

        return written == 0 && bytes > 0 ? (-1, connection.Error ?? "EAGAIN") : (written, null);
    }

    private static bool ShutDownForWriting(TcpConnection connection) =>
        connection.State is TcpState.FinWait1 or TcpState.FinWait2 or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait;

    private (long, string?) Read(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var connection = ConnectionOf(call);
        var max = IntegerArgument(call, 2);
        bool Ready() => connection.ReadableBytes > 0 || PeerClosed(connection) || connection.Error is not null;
        if (!Ready())
        {
            if (socket.NonBlocking)
            {
                return (-1, "EAGAIN");
            }

            Block(call, Ready);
        }

        if (connection.ReadableBytes > 0)
        {
            return (connection.Read(max), null);
        }

        return connection.Error is { } error ? (-1, error) : (0, null);
    }

    /// <summary>The peer's FIN has arrived: a read past the data returns 0.</summary>
    private static bool PeerClosed(TcpConnection connection) =>
        connection.State is TcpState.CloseWait or TcpState.LastAck or TcpState.Closing or TcpState.TimeWait or TcpState.Closed;

    private TcpConnection ConnectionOf(SyscallEvent call) =>
        SocketOf(call).Connection ?? throw new ScriptFailedException($"{call.Name}(): fd {call.Arguments[0]} is not connected (ENOTCONN)");

    private (long, string?) Close(SyscallEvent call)
    {
        var socket = SocketOf(call);
        socket.Connection?.Close();
        socket.Listener?.Close();
        _sockets.Remove(socket.Fd);
        return (0, null);
    }

    private (long, string?) Shutdown(SyscallEvent call)
    {
        var connection = ConnectionOf(call);
        if (call.Arguments.Count > 1 && call.Arguments[1] is "SHUT_WR" or "SHUT_RDWR")
        {
            connection.Shutdown();
        }

        return (0, null);
    }

    /// <summary>setsockopt(fd, level, name, [value], length): the options a TCP test sets.</summary>
    private (long, string?) SetSocketOption(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var name = call.Arguments.Count > 2 ? call.Arguments[2] : "";
        var value = call.Arguments.Count > 3 ? BracketedNumber(call, call.Arguments[3]) : 0;
        var connection = socket.Connection ?? socket.Listener;
        var settings = connection?.Settings ?? socket.PendingSettings ?? _options.Settings;
        TcpSettings? changed = name switch
        {
            "SO_REUSEADDR" or "SO_REUSEPORT" or "SO_LINGER" => null,
            "TCP_NODELAY" => null,
            "SO_KEEPALIVE" => null,
            "TCP_KEEPIDLE" => settings with { KeepAliveTime = SimTime.FromSeconds(value) },
            "TCP_KEEPINTVL" => settings with { KeepAliveInterval = SimTime.FromSeconds(value) },
            "TCP_KEEPCNT" => settings with { KeepAliveProbes = (int)value },
            "SO_RCVBUF" => settings with { ReceiveBuffer = (int)value },
            "SO_SNDBUF" => settings with { SendBuffer = (int)value },
            _ => throw new ScriptFailedException($"setsockopt(): option {name} not supported by the simulator"),
        };

        if (name == "TCP_NODELAY")
        {
            socket.PendingNoDelay = value != 0;
            connection?.NoDelay = value != 0;
        }
        else if (name == "SO_KEEPALIVE")
        {
            socket.PendingKeepAlive = value != 0;
            connection?.KeepAlive = value != 0;
        }
        else if (changed is not null)
        {
            socket.PendingSettings = changed;
            connection?.Settings = changed;
        }

        return (0, null);
    }

    /// <summary>getsockopt(fd, SOL_SOCKET, SO_ERROR, [errno], [4]) checks the pending error and clears it; TCP_NODELAY reads back.</summary>
    private (long, string?) GetSocketOption(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var name = call.Arguments.Count > 2 ? call.Arguments[2] : "";
        var expected = call.Arguments.Count > 3 ? call.Arguments[3].Trim('[', ']', ' ') : "";
        string actual;
        switch (name)
        {
            case "SO_ERROR":
                var error = socket.ErrorReported ? null : socket.Connection?.Error;
                socket.ErrorReported |= error is not null;
                actual = error ?? "0";
                break;
            case "TCP_NODELAY":
                actual = (socket.Connection?.NoDelay ?? socket.PendingNoDelay) ? "1" : "0";
                break;
            default:
                throw new ScriptFailedException($"getsockopt(): option {name} not supported by the simulator");
        }

        return actual == expected ? (0, null) : throw new ScriptFailedException($"getsockopt({name}) gave [{actual}], expected [{expected}]");
    }

    private (long, string?) Fcntl(SyscallEvent call)
    {
        var socket = SocketOf(call);
        if (call.Arguments.Count > 2 && call.Arguments[1] == "F_SETFL")
        {
            socket.NonBlocking = call.Arguments[2].Split('|').Any(flag => flag.Trim() == "O_NONBLOCK");
            return (0, null);
        }

        throw new ScriptFailedException($"fcntl(): only F_SETFL is supported by the simulator");
    }

    private static long BracketedNumber(SyscallEvent call, string argument) =>
        long.TryParse(argument.Trim('[', ']', ' '), CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ScriptFailedException($"{call.Name}(): expected a value such as [1], got {argument}");
}
