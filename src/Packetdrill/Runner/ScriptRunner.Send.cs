using System.Globalization;
using NetSim.Packetdrill.Script;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The writing calls (write(), send(), sendto(), sendmsg(), writev()): their arguments (bytes,
/// iovecs, MSG_* flags, Fast Open), and how much the socket takes, blocking or not.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>A send, and with MSG_ZEROCOPY on a SO_ZEROCOPY socket the notification it is owed.</summary>
    private SyscallOutcome Write(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var (_, _, _, _, zeroCopy) = WriteArguments(call);
        var outcome = SendData(call, socket, zeroCopy && socket.ZeroCopy);
        return zeroCopy && socket.ZeroCopy && socket.Connection is { } connection ? WithZeroCopyNotification(socket, connection, outcome) : outcome;
    }

    private SyscallOutcome SendData(SyscallEvent call, ScriptSocket socket, bool zeroCopy)
    {
        var (bytes, flags, fastOpen, dontWait, _) = WriteArguments(call);

        // tcp_sendmsg_fastopen(): not to an AF_UNSPEC address; a connect() under way answers EALREADY.
        if (fastOpen && call.Name == "sendto" && call.Arguments.Count > 4 && call.Arguments[4] == "AF_UNSPEC")
        {
            return SyscallOutcome.Fail("EOPNOTSUPP");
        }

        var fragments = zeroCopy && call.Name == "sendmsg" && IovecLengths(call) is { } lengths && Fragments(lengths) > MaxSkbFragments ? lengths : null;
        return SendBytes(socket, bytes, flags, fastOpen, socket.NonBlocking || dontWait, fragments);
    }

    /// <summary>
    /// tcp_sendmsg(): <paramref name="bytes"/> to the socket's connection, opening it first for
    /// Fast Open; a zerocopy send's iovecs, when they pin more fragments than an skb holds, as
    /// <paramref name="zeroCopyFragments"/>.
    /// </summary>
    private SyscallOutcome SendBytes(ScriptSocket socket, long bytes, SendFlags flags, bool fastOpen, bool nonBlocking, List<long>? zeroCopyFragments)
    {
        // tcp_sendmsg_fastopen(): MSG_FASTOPEN connects a socket in CLOSE; a deferred connect opens now.
        if ((fastOpen && socket.State == SocketState.Unconnected && socket.InClose) || socket.DeferredConnect)
        {
            return FastOpenWrite(socket, bytes, flags, nonBlocking, fastOpen);
        }

        // sk_stream_wait_connect(): a socket never connected, or listening, cannot send.
        if (socket.Connection is not { } connection)
        {
            return SyscallOutcome.Fail("EPIPE");
        }

        if (fastOpen && connection.State == TcpState.SynSent)
        {
            return SyscallOutcome.Fail("EALREADY");
        }

        if (TakeError(socket) is { } error)
        {
            return SyscallOutcome.Fail(error);
        }

        // sk_stream_wait_connect(): a blocking writer waits for the handshake, its ACK held for the data (sk_write_pending).
        if (connection.State == TcpState.SynSent && !nonBlocking)
        {
            connection.WritePending = true;
            return SyscallOutcome.WaitFor(() => connection.State != TcpState.SynSent, () =>
            {
                connection.WritePending = false;
                return connection.State == TcpState.Established ? WriteData(socket, connection, bytes, 0, flags, nonBlocking) : SyscallOutcome.Fail(TakeError(socket) ?? "EPIPE");
            });
        }

        // tcp_sendmsg_locked(): a passive Fast Open child writes before its handshake ends.
        var writable = connection.State is TcpState.Established or TcpState.CloseWait
            || (connection.State == TcpState.SynReceived && connection.FastOpenRequestPending);
        if (!writable || connection.SendShutDown)
        {
            return SyscallOutcome.Fail(connection.State is TcpState.SynSent or TcpState.SynReceived ? "EAGAIN" : "EPIPE");
        }

        return zeroCopyFragments is { } lengths
            ? WriteFragments(socket, connection, lengths, flags)
            : WriteData(socket, connection, bytes, 0, flags, nonBlocking);
    }

    /// <summary>tcp_sendmsg_locked()'s copy loop: what fits, then, blocking, what room the acknowledgments make (sk_stream_wait_memory()).</summary>
    private static SyscallOutcome WriteData(ScriptSocket socket, TcpConnection connection, long bytes, long written, SendFlags flags, bool nonBlocking)
    {
        SyscallOutcome Continue()
        {
            if (connection.Error is not null)
            {
                return written > 0 ? SyscallOutcome.Return(written) : SyscallOutcome.Fail(TakeError(socket) ?? "EPIPE");
            }

            written += connection.Write(bytes - written, flags);
            if (written == bytes || nonBlocking)
            {
                return written == 0 && bytes > 0 ? SyscallOutcome.Fail("EAGAIN") : SyscallOutcome.Return(written);
            }

            // sk_stream_wait_memory(): a blocked writer is woken by sk_stream_write_space(), once the stream is writeable.
            return SyscallOutcome.WaitFor(() => connection.IsWriteable || connection.Error is not null, Continue);
        }

        return Continue();
    }

    /// <summary>
    /// The bytes and send(2) flags of write(fd, buf, len), send(fd, buf, len, flags),
    /// sendto(fd, buf, len, flags, addr, addrlen) and sendmsg(fd, msg, flags), whose message's
    /// iovecs are written <c>msg_iov(2)=[{..., 100}, {..., 200}]</c>. MSG_EOR and MSG_MORE are
    /// modelled, MSG_FASTOPEN and MSG_DONTWAIT are told apart; other flags change nothing.
    /// </summary>
    private (long Bytes, SendFlags Flags, bool FastOpen, bool DontWait, bool ZeroCopy) WriteArguments(SyscallEvent call)
    {
        var bytes = call.Name == "sendmsg" ? IovecBytes(call) : IntegerArgument(call, 2);
        var flagsAt = call.Name switch { "send" or "sendto" => 3, "sendmsg" => 2, _ => -1 };
        var flags = SendFlags.None;
        var names = flagsAt >= 0 && flagsAt < call.Arguments.Count ? call.Arguments[flagsAt].Split('|').Select(MessageFlagName).ToList() : [];
        foreach (var flag in names)
        {
            flags |= flag switch
            {
                "MSG_EOR" => SendFlags.EndOfRecord,
                "MSG_MORE" => SendFlags.More,
                _ => SendFlags.None,
            };
        }

        return (bytes, flags, names.Contains("MSG_FASTOPEN"), names.Contains("MSG_DONTWAIT"), names.Contains("MSG_ZEROCOPY"));
    }

    /// <summary>A send flag as written, by name or by its value in Linux's include/linux/socket.h (<c>0x20000000</c> is MSG_FASTOPEN).</summary>
    private static string MessageFlagName(string flag)
    {
        var text = flag.Trim();
        if (!text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            || !long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return text;
        }

        return value switch
        {
            0x40 => "MSG_DONTWAIT",
            0x80 => "MSG_EOR",
            0x8000 => "MSG_MORE",
            0x4000000 => "MSG_ZEROCOPY",
            0x20000000 => "MSG_FASTOPEN",
            _ => text,
        };
    }

    /// <summary>sendmsg()'s message: the lengths of its iovecs, <c>{..., 100}</c> each, added up.</summary>
    private static long IovecBytes(SyscallEvent call) => IovecLengths(call).Sum();

    /// <summary>The lengths of a message's iovecs, <c>msg_iov(N)=[{..., 100}, ...]</c>.</summary>
    private static List<long> IovecLengths(SyscallEvent call)
    {
        var message = call.Arguments.Count > 1 ? call.Arguments[1] : "";
        var iov = message.IndexOf("msg_iov", StringComparison.Ordinal);
        var open = iov < 0 ? -1 : message.IndexOf('[', iov);
        var close = open < 0 ? -1 : message.IndexOf(']', open);
        if (close < 0)
        {
            throw new ScriptFailedException($"{call.Name}(): expected the message's msg_iov(N)=[{{..., length}}, ...]");
        }

        var lengths = new List<long>();
        foreach (var vector in message[(open + 1)..close].Split('}'))
        {
            var comma = vector.LastIndexOf(',');
            if (comma < 0)
            {
                continue;
            }

            lengths.Add(long.TryParse(vector[(comma + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
                ? length
                : throw new ScriptFailedException($"{call.Name}(): iovec length '{vector[(comma + 1)..].Trim()}' is not a number"));
        }

        return lengths;
    }

    /// <summary>A NULL buffer: copying from or to it faults (EFAULT), and the socket is left as it was.</summary>
    private static bool NullBuffer(SyscallEvent call) => call.Arguments.Count > 1 && call.Arguments[1] == "NULL";
}
