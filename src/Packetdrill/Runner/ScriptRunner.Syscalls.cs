using System.Globalization;
using System.Text.RegularExpressions;
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
        if (_pending is { } pending)
        {
            throw new ScriptFailedException($"{call.Name}() while {pending.Call.Name}() of line {pending.Call.Line} still blocks: one blocking call at a time");
        }

        var outcome = Dispatch(call);
        if (call.Time.BlockingEnd is { } end && outcome.Ready is not null)
        {
            // A blocking call (time written start...end) runs beside the events that follow.
            var expectedEnd = (call.Time.IsRelative ? _previousEventEnd.Microseconds : 0) + end;
            _pending = new PendingCall(call, expectedEnd, outcome);
            return;
        }

        while (outcome.Ready is { } ready)
        {
            Block(call, ready);
            outcome = outcome.Resume!();
        }

        Finish(call, outcome, call.Time.BlockingEnd is { } blockingEnd
            ? (call.Time.IsRelative ? _previousEventEnd.Microseconds : 0) + blockingEnd
            : null);
    }

    private SyscallOutcome Dispatch(SyscallEvent call) => call.Name switch
    {
        "socket" => Socket(call),
        "bind" => Bind(call),
        "listen" => Listen(call),
        "accept" => Accept(call),
        "connect" => Connect(call),
        "write" or "send" or "sendto" or "read" or "recv" or "recvfrom" when NullBuffer(call) => SyscallOutcome.Fail("EFAULT"),
        "write" or "send" or "sendto" or "sendmsg" => Write(call),
        "read" or "recv" or "recvfrom" => Read(call, IntegerArgument(call, 2), null),
        "recvmsg" when ReadsErrorQueue(call) => ReceiveError(call),
        "recvmsg" => Read(call, IovecBytes(call), call.Arguments[1]),
        "close" => Close(call),
        "shutdown" => Shutdown(call),
        "setsockopt" => SetSocketOption(call),
        "epoll_create" or "epoll_create1" => EpollCreate(call),
        "epoll_ctl" => EpollControl(call),
        "epoll_wait" => EpollWait(call),
        "getsockopt" => GetSocketOption(call),
        "fcntl" => Fcntl(call),
        "poll" => Poll(call),
        "ioctl" => Ioctl(call),
        "open" => Open(call),
        "sendfile" => SendFile(call),
        _ => throw new ScriptFailedException($"{call.Name}(): not supported by the simulator (supported: socket, bind, listen, accept, connect, write, send, sendto, sendmsg, sendfile, read, recv, recvfrom, recvmsg, close, shutdown, setsockopt, getsockopt, fcntl, poll, ioctl, open)"),
    };

    /// <summary>Checks a call's result, errno and, for a blocking call, when it returned.</summary>
    private void Finish(SyscallEvent call, SyscallOutcome outcome, long? expectedEndUs)
    {
        var (result, errno) = (outcome.Result, outcome.Errno);
        if (result != call.Result || (call.Errno is not null && errno != call.Errno))
        {
            var actual = errno is null ? result.ToString(CultureInfo.InvariantCulture) : $"{result} {errno}";
            var wanted = call.Errno is null ? call.Result.ToString(CultureInfo.InvariantCulture) : $"{call.Result} {call.Errno}";
            throw new ScriptFailedException($"{call.Name}() returned {actual}, expected {wanted} (at {Seconds(_simulation.Now)} s)", call.Line);
        }

        if (expectedEndUs is { } expected && Math.Abs(_simulation.Now.Microseconds - expected) > _tolerance)
        {
            throw new ScriptFailedException($"{call.Name}() returned at {Seconds(_simulation.Now)} s, expected at {Seconds(expected)} s (tolerance {_tolerance} us)", call.Line);
        }
    }

    /// <summary>A call that blocks while the script goes on: finished, and checked, once it can return.</summary>
    private void PollPending()
    {
        while (_pending is { } pending && pending.Outcome.Ready!())
        {
            var outcome = pending.Outcome.Resume!();
            if (outcome.Ready is not null)
            {
                _pending = pending with { Outcome = outcome };
                continue;
            }

            _pending = null;
            Finish(pending.Call, outcome, pending.ExpectedEndUs);
        }
    }

    /// <summary>A blocking call still waiting when the script ends returns when it can, within the blocking limit.</summary>
    private void FinishPending()
    {
        if (_pending is { } pending && !Advance(() => _pending is null, _simulation.Now + BlockingLimit))
        {
            throw new ScriptFailedException($"{pending.Call.Name}() blocked and had not returned {BlockingLimit} later", pending.Call.Line);
        }
    }

    /// <summary>A blocking call waits, in virtual time, until it can return; one that would wait an hour is a script error.</summary>
    private void Block(SyscallEvent call, Func<bool> ready)
    {
        if (!Advance(ready, _simulation.Now + BlockingLimit))
        {
            throw new ScriptFailedException($"{call.Name}() blocked and had not returned {BlockingLimit} later (at {Seconds(_simulation.Now)} s)");
        }
    }

    /// <summary>socket(): SOCK_NONBLOCK in the type makes the descriptor non-blocking, as fcntl(O_NONBLOCK) would.</summary>
    private SyscallOutcome Socket(SyscallEvent call)
    {
        var socket = NewSocket(call);
        socket.NonBlocking = HasFlag(call, 1, "SOCK_NONBLOCK");
        return SyscallOutcome.Return(socket.Fd);
    }

    /// <summary>
    /// A new descriptor: the number the script expects the call to return, which from now on names
    /// the new socket even if an older one the script never closed had it (packetdrill maps script
    /// descriptors to live ones), else the lowest free.
    /// </summary>
    private ScriptSocket NewSocket(SyscallEvent call)
    {
        var fd = call.Result >= 0 && call.Result < int.MaxValue ? (int)call.Result : 3;
        while (call.Result < 0 && _sockets.ContainsKey(fd))
        {
            fd++;
        }

        return _sockets[fd] = new ScriptSocket(fd);
    }

    private ScriptSocket SocketOf(SyscallEvent call)
    {
        if (call.Arguments.Count == 0 || !int.TryParse(call.Arguments[0], CultureInfo.InvariantCulture, out var fd))
        {
            throw new ScriptFailedException($"{call.Name}(): the first argument must be a file descriptor");
        }

        return _sockets.TryGetValue(fd, out var socket) ? socket : throw new ScriptFailedException($"{call.Name}(): fd {fd} is not open (EBADF)");
    }

    /// <summary>Whether argument <paramref name="index"/>, flags joined with <c>|</c>, includes <paramref name="flag"/>.</summary>
    private static bool HasFlag(SyscallEvent call, int index, string flag) =>
        call.Arguments.Count > index && call.Arguments[index].Split('|').Any(name => name.Trim() == flag);

    private long IntegerArgument(SyscallEvent call, int index)
    {
        if (index >= call.Arguments.Count || !long.TryParse(call.Arguments[index], CultureInfo.InvariantCulture, out var value))
        {
            throw new ScriptFailedException($"{call.Name}(): argument {index + 1} must be a number");
        }

        return value;
    }

    private SyscallOutcome Listen(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var backlog = checked((int)IntegerArgument(call, 1));

        // inet_listen(): only an unconnected socket in CLOSE or LISTEN; listening already, only the backlog changes.
        if (socket.State != SocketState.Unconnected || socket.Connection is { State: not TcpState.Closed })
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        if (socket.Listener is { State: TcpState.Listen } listening)
        {
            listening.SetBacklog(backlog);
            return SyscallOutcome.Return(0);
        }

        // inet_csk_get_port() at listen(): another socket already listens on the port.
        if (_stack.Listener(ScriptPort) is not null)
        {
            return SyscallOutcome.Fail("EADDRINUSE");
        }

        var listener = _stack.Listen(ScriptPort, socket.PendingSettings, backlog: backlog);
        ApplyPendingOptions(socket, listener);
        _listenerAwaitsSyn = true;
        if (socket.PendingFastOpenQueue is { } fastOpenQueue)
        {
            listener.SetFastOpenQueue(fastOpenQueue);
        }

        if (socket.PendingFastOpenKey is { } fastOpenKey)
        {
            listener.SetFastOpenKey(fastOpenKey);
        }

        socket.Listener = listener;
        socket.Connection = null;
        return SyscallOutcome.Return(0);
    }

    private SyscallOutcome Accept(SyscallEvent call)
    {
        var socket = SocketOf(call);

        // inet_csk_accept(): EINVAL unless the socket listens, also for a waiter whose listener stops.
        if (socket.Listener is not { State: TcpState.Listen } listener)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        SyscallOutcome Take()
        {
            if (listener.State != TcpState.Listen)
            {
                return SyscallOutcome.Fail("EINVAL");
            }

            var child = NewSocket(call);
            child.Connection = listener.Accept()!;
            child.State = SocketState.Connected;
            child.ZeroCopy = socket.ZeroCopy;
            CollectTimestamps(child, child.Connection);
            _socketUnderTest = child.Connection;
            return SyscallOutcome.Return(child.Fd);
        }

        if (listener.AcceptQueueLength > 0)
        {
            return Take();
        }

        return socket.NonBlocking ? SyscallOutcome.Fail("EAGAIN") : SyscallOutcome.WaitFor(() => listener.AcceptQueueLength > 0 || listener.State != TcpState.Listen, Take);
    }

    /// <summary>
    /// bind(fd, ..., ...): packetdrill binds the socket to the script's address and --bind_port
    /// (8080 by default), from which a connect() then leaves.
    /// </summary>
    private SyscallOutcome Bind(SyscallEvent call)
    {
        var socket = SocketOf(call);
        socket.Binding = socket.Binding with { Port = _bindPort };
        return SyscallOutcome.Return(0);
    }

    /// <summary>Linux sock_error(): the socket's pending error, once; the call that reports it clears it (sk_err).</summary>
    private static string? TakeError(ScriptSocket socket)
    {
        var error = socket.ErrorReported ? null : socket.Connection?.Error;
        socket.ErrorReported |= error is not null;
        return error;
    }

    /// <summary>
    /// read(), recv(), recvfrom() and recvmsg() of at most <paramref name="max"/> bytes; ENOTCONN on a
    /// listener or a socket not connected (tcp_recvmsg()). recvmsg()'s <paramref name="message"/>
    /// may expect a TCP_CM_INQ control message, which <see cref="CheckReceiveQueueHint"/> checks
    /// once the bytes are read.
    /// </summary>
    private SyscallOutcome Read(SyscallEvent call, long max, string? message)
    {
        var socket = SocketOf(call);
        if (socket.Listener is not null)
        {
            return SyscallOutcome.Fail("ENOTCONN");
        }

        // A deferred Fast Open connect is in SYN-SENT: nothing to read yet (tcp_recvmsg_locked()).
        if (socket.Connection is null && socket.DeferredConnect)
        {
            return socket.NonBlocking ? SyscallOutcome.Fail("EAGAIN") : throw new ScriptFailedException($"{call.Name}(): a blocking read before the deferred connect's first write would wait for ever");
        }

        // tcp_recvmsg_locked(): a socket that never connected is in CLOSE, not shut for reading.
        if (socket.Connection is not { } connection)
        {
            return SyscallOutcome.Fail("ENOTCONN");
        }

        // tcp_recvmsg_locked(): data is taken as it comes (MSG_PEEK leaves it queued) until
        // sock_rcvlowat()'s target: SO_RCVLOWAT's bytes, or with MSG_WAITALL all asked for, at
        // most what was asked for. A call that may not wait (O_NONBLOCK, MSG_DONTWAIT) returns
        // what it found; a waiting one also returns at the end of the stream or an error.
        var peek = ReceiveFlag(call, "MSG_PEEK");
        var nonBlocking = socket.NonBlocking || ReceiveFlag(call, "MSG_DONTWAIT");
        var target = Math.Max(1, Math.Min(ReceiveFlag(call, "MSG_WAITALL") ? max : connection.ReceiveLowWatermark, max));
        long copied = 0;
        bool Ended() => connection.ReceiveShutDown || connection.Error is not null || connection.State == TcpState.Closed;
        bool Ready() => connection.ReadableBytes > (peek ? copied : 0) || Ended();
        SyscallOutcome Take()
        {
            copied = peek ? Math.Min(max, connection.ReadableBytes) : copied + connection.Read(max - copied);
            var ended = Ended();
            if (copied > 0 && (copied >= target || nonBlocking || ended))
            {
                CheckReceiveQueueHint(socket, connection, message);
                return SyscallOutcome.Return(copied);
            }

            if (copied == 0 && ended)
            {
                // With nothing copied: the pending error, then the end of the stream once reading
                // is shut, and ENOTCONN on a socket closed without it (a connect abandoned by
                // shutdown() or connect(AF_UNSPEC)).
                if (TakeError(socket) is { } error)
                {
                    return SyscallOutcome.Fail(error);
                }

                return connection.ReceiveShutDown ? SyscallOutcome.Return(0) : SyscallOutcome.Fail("ENOTCONN");
            }

            return nonBlocking ? SyscallOutcome.Fail("EAGAIN") : SyscallOutcome.WaitFor(Ready, Take);
        }

        return Take();
    }

    /// <summary>Whether recv()'s or recvfrom()'s flags (the fourth argument) or recvmsg()'s (the third) include <paramref name="flag"/>.</summary>
    private static bool ReceiveFlag(SyscallEvent call, string flag) => call.Name switch
    {
        "recv" or "recvfrom" => HasFlag(call, 3, flag),
        "recvmsg" => HasFlag(call, 2, flag),
        _ => false,
    };

    /// <summary>
    /// TCP_INQ's control message (tcp_inq_hint()): the sequence space received and not read,
    /// rcv_nxt - copied_seq, which counts an arrived FIN, so that a reader who has taken all the
    /// data is told to read once more and meet the end of the stream.
    /// </summary>
    private static void CheckReceiveQueueHint(ScriptSocket socket, TcpConnection connection, string? message)
    {
        var expected = message is null ? null : ControlData().Match(message);
        if (expected is not { Success: true })
        {
            return;
        }

        if (!socket.ReceiveQueueHint)
        {
            throw new ScriptFailedException("recvmsg(): no TCP_CM_INQ control message: TCP_INQ is not set on the socket");
        }

        var hint = connection.ReadableBytes + (connection.FinReceived ? 1 : 0);
        if (hint.ToString(CultureInfo.InvariantCulture) != expected.Groups["data"].Value)
        {
            throw new ScriptFailedException($"recvmsg(): TCP_CM_INQ gave {hint}, expected {expected.Groups["data"].Value}");
        }
    }

    [GeneratedRegex(@"cmsg_type=TCP_CM_INQ\s*,\s*cmsg_data=(?<data>\d+)")]
    private static partial Regex ControlData();

    private TcpConnection ConnectionOf(SyscallEvent call) =>
        SocketOf(call).Connection ?? throw new ScriptFailedException($"{call.Name}(): fd {call.Arguments[0]} is not connected (ENOTCONN)");

    /// <summary>
    /// close(): with SO_LINGER on and a time, it returns only once the FIN is acknowledged (the
    /// connection out of FIN-WAIT-1, CLOSING and LAST-ACK) or the time has passed, blocking or not
    /// (inet_release() passes sk_lingertime, sk_stream_wait_close() waits), and returns 0 either way.
    /// </summary>
    private SyscallOutcome Close(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var connection = socket.Connection;
        connection?.Close();
        socket.Listener?.Close();
        _sockets.Remove(socket.Fd);
        if (connection is not { Linger: (true, > 0) } || !Closing(connection))
        {
            return SyscallOutcome.Return(0);
        }

        var deadline = _simulation.Now + SimTime.FromSeconds(connection.Linger.Seconds);
        _simulation.Schedule(deadline, () => { });
        return SyscallOutcome.WaitFor(() => !Closing(connection) || _simulation.Now >= deadline, () => SyscallOutcome.Return(0));
    }

    /// <summary>sk_stream_closing(): the FIN is out and not yet acknowledged.</summary>
    private static bool Closing(TcpConnection connection) => connection.State is TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck;

    /// <summary>
    /// ioctl(fd, SIOCINQ, [bytes]) and its queue siblings (Linux tcp_ioctl()): bytes to read,
    /// bytes not yet acknowledged (SIOCOUTQ) and not yet sent (SIOCOUTQNSD); EINVAL on a listener.
    /// </summary>
    private SyscallOutcome Ioctl(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var request = call.Arguments.Count > 1 ? call.Arguments[1] : "";
        if (socket.Listener is not null)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        var connection = ConnectionOf(call);
        long actual = request switch
        {
            "SIOCINQ" or "FIONREAD" => connection.State is TcpState.SynSent or TcpState.SynReceived ? 0 : connection.ReadableBytes,
            "SIOCOUTQ" or "TIOCOUTQ" => connection.NotAcknowledgedBytes,
            "SIOCOUTQNSD" => connection.NotSentBytes,
            _ => throw new ScriptFailedException($"ioctl(): request {request} not supported by the simulator (supported: SIOCINQ, SIOCOUTQ, SIOCOUTQNSD)"),
        };
        var expected = call.Arguments.Count > 2 ? call.Arguments[2].Trim('[', ']', ' ') : "";
        return Number(actual) == expected ? SyscallOutcome.Return(0) : throw new ScriptFailedException($"ioctl({request}) gave [{actual}], expected [{expected}]");
    }

    /// <summary>The settings a socket's options read and change: its connection's or listener's, those set before it had one, or the stack's sysctls.</summary>
    private TcpSettings SettingsOf(ScriptSocket socket) => (socket.Connection ?? socket.Listener)?.Settings ?? socket.PendingSettings ?? _stack.Settings;

    /// <summary>fcntl(F_SETFL) sets or clears O_NONBLOCK; fcntl(F_GETFL) returns O_RDWR (2), with O_NONBLOCK (0x800) when set.</summary>
    private SyscallOutcome Fcntl(SyscallEvent call)
    {
        const long ReadWrite = 0x2;
        const long NonBlocking = 0x800;
        var socket = SocketOf(call);
        if (call.Arguments.Count > 2 && call.Arguments[1] == "F_SETFL")
        {
            socket.NonBlocking = HasFlag(call, 2, "O_NONBLOCK");
            return SyscallOutcome.Return(0);
        }

        if (call.Arguments.Count == 2 && call.Arguments[1] == "F_GETFL")
        {
            return SyscallOutcome.Return(ReadWrite | (socket.NonBlocking ? NonBlocking : 0));
        }

        throw new ScriptFailedException($"fcntl(): only F_GETFL and F_SETFL are supported by the simulator");
    }

    /// <summary>Sets an option on the listener or connection, or keeps it for when the socket becomes one.</summary>
    private static void SetOrKeep(TcpConnection? connection, Action<TcpConnection> set, Action keep)
    {
        if (connection is null)
        {
            keep();
        }
        else
        {
            set(connection);
        }
    }

    private static long BracketedNumber(SyscallEvent call, string argument) =>
        ScriptNumber(argument.Trim('[', ']', ' ')) is { } value
            ? value
            : throw new ScriptFailedException($"{call.Name}(): expected a value such as [1], got {argument}");

    /// <summary>A number as a script writes it, decimal or 0x hex; null if it is not one.</summary>
    private static long? ScriptNumber(string text) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null
            : long.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : null;
}
