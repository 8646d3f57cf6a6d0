using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// MSG_ZEROCOPY (Documentation/networking/msg_zerocopy.rst; Linux msg_zerocopy_realloc(),
/// __msg_zerocopy_callback()): on a socket with SO_ZEROCOPY, each send with the flag that queues
/// data takes the next notification ID, and once all its data is acknowledged (its skbs freed) a
/// notification goes on the error queue, merged into the last one still queued when the IDs
/// follow on. recvmsg(MSG_ERRQUEUE) returns one as a IP_RECVERR control message
/// (SO_EE_ORIGIN_ZEROCOPY, ee_info to ee_data). The simulated device copies what it sends, as
/// the tun device of packetdrill does, so ee_code is SO_EE_CODE_ZEROCOPY_COPIED. Each notification
/// is a wake-up (sk_error_report()) for poll's and epoll's POLLERR.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>
    /// A send with MSG_ZEROCOPY that queued data: its notification ID, due once the write sequence
    /// it reached is acknowledged. A send that queued nothing, or failed, takes no ID.
    /// </summary>
    private static SyscallOutcome WithZeroCopyNotification(ScriptSocket socket, TcpConnection connection, SyscallOutcome outcome)
    {
        if (outcome.Ready is { } ready)
        {
            return SyscallOutcome.WaitFor(ready, () => WithZeroCopyNotification(socket, connection, outcome.Resume!()));
        }

        if (outcome.Result > 0)
        {
            socket.ZeroCopyInFlight.Add((socket.ZeroCopyKey++, connection.SndNxt + (int)connection.NotSentBytes));
        }

        return outcome;
    }

    /// <summary>The fragments an skb holds (sysctl net.core.max_skb_frags, MAX_SKB_FRAGS).</summary>
    private const int MaxSkbFragments = 17;

    /// <summary>A page of the sender's memory (PAGE_SIZE): a zerocopy iovec takes a fragment for each page it touches.</summary>
    private const int PageBytes = 4096;

    /// <summary>The fragments a zerocopy send's iovecs pin.</summary>
    private static int Fragments(IEnumerable<long> lengths) => lengths.Sum(FragmentsOf);

    /// <summary>The fragments one iovec pins: one for each page it covers, at least one.</summary>
    private static int FragmentsOf(long length) => (int)Math.Max(1, (length + PageBytes - 1) / PageBytes);

    /// <summary>
    /// tcp_sendmsg_locked() with MSG_ZEROCOPY: the user's pages become the skb's fragments, so an
    /// skb that has taken max_skb_frags of them is pushed (tcp_mark_push()) and the rest goes in a
    /// new one. Each full skb is written as a send of its own, which ends it with PSH.
    /// </summary>
    private static SyscallOutcome WriteFragments(ScriptSocket socket, TcpConnection connection, List<long> lengths, SendFlags flags)
    {
        long written = 0;
        long skbBytes = 0;
        var skbFragments = 0;
        foreach (var length in lengths)
        {
            var fragments = FragmentsOf(length);
            if (skbFragments + fragments > MaxSkbFragments && skbBytes > 0)
            {
                written += connection.Write(skbBytes, flags | SendFlags.EndOfRecord);
                (skbBytes, skbFragments) = (0, 0);
            }

            skbBytes += length;
            skbFragments += fragments;
        }

        written += connection.Write(skbBytes, flags);
        return written > 0 ? SyscallOutcome.Return(written) : SyscallOutcome.Fail(TakeError(socket) ?? "EAGAIN");
    }

    /// <summary>The notifications whose sends are now acknowledged go on each socket's error queue, in ID order.</summary>
    private void CollectZeroCopyNotifications()
    {
        foreach (var socket in _sockets.Values)
        {
            while (socket.ZeroCopyInFlight.Count > 0 && socket.Connection is { } connection && connection.SndUna >= socket.ZeroCopyInFlight[0].End)
            {
                var id = socket.ZeroCopyInFlight[0].Id;
                socket.ZeroCopyInFlight.RemoveAt(0);

                // skb_zerocopy_notify_extend(): the last notification still queued takes a following ID.
                if (socket.ErrorQueue.Count > 0 && socket.ErrorQueue[^1].Origin == ErrorQueueEntry.ZeroCopyOrigin && socket.ErrorQueue[^1].Data + 1 == id)
                {
                    socket.ErrorQueue[^1] = socket.ErrorQueue[^1] with { Data = id };
                }
                else
                {
                    socket.ErrorQueue.Add(ErrorQueueEntry.ZeroCopy(id, id));
                }

                socket.ErrorReports++;
            }
        }
    }

    /// <summary>
    /// recvmsg(fd, {..., msg_control=[{cmsg_level=..., cmsg_type=..., cmsg_data={ee_errno=0, ...}}]},
    /// MSG_ERRQUEUE) (ip_recv_error()): the first queued message, whose fields must be those
    /// written, and a timestamp's time within the tolerance of the one written; EAGAIN when the
    /// queue is empty.
    /// </summary>
    private SyscallOutcome ReceiveError(SyscallEvent call)
    {
        var socket = SocketOf(call);
        CollectZeroCopyNotifications();
        if (socket.ErrorQueue.Count == 0)
        {
            return SyscallOutcome.Fail("EAGAIN");
        }

        var entry = socket.ErrorQueue[0];
        socket.ErrorQueue.RemoveAt(0);
        var actual = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["ee_errno"] = entry.Errno,
            ["ee_origin"] = entry.Origin,
            ["ee_type"] = 0,
            ["ee_code"] = entry.Code,
            ["ee_info"] = entry.Info,
            ["ee_data"] = entry.Data,
        };
        var expected = ErrorFields().Matches(call.Arguments[1]);
        if (expected.Count == 0)
        {
            throw new ScriptFailedException($"recvmsg(): {Describe(entry)} is queued, but the script expects no control message (at {Seconds(_simulation.Now)} s)");
        }

        foreach (Match field in expected)
        {
            var name = field.Groups["name"].Value;
            var value = ErrorFieldValue(field.Groups["value"].Value);
            if (actual.TryGetValue(name, out var got) && got != value)
            {
                throw new ScriptFailedException($"recvmsg(): {name} is {got}, expected {field.Groups["value"].Value}, in {Describe(entry)} (at {Seconds(_simulation.Now)} s)");
            }
        }

        CheckTimestampControlMessage(call, entry);
        return SyscallOutcome.Return(0);
    }

    private static string Describe(ErrorQueueEntry entry) => entry.Origin == ErrorQueueEntry.ZeroCopyOrigin
        ? $"a zerocopy notification for IDs {entry.Info} to {entry.Data}"
        : $"a timestamp ({TimestampPointName(entry.Info)}, ID {entry.Data}, at {Seconds(entry.Time ?? SimTime.Zero)} s)";

    private static long ErrorFieldValue(string text) => text switch
    {
        "SO_EE_ORIGIN_ZEROCOPY" => ErrorQueueEntry.ZeroCopyOrigin,
        "SO_EE_CODE_ZEROCOPY_COPIED" => ErrorQueueEntry.ZeroCopyCopied,
        "SO_EE_ORIGIN_TIMESTAMPING" => ErrorQueueEntry.TimestampingOrigin,
        "ENOMSG" => ErrorQueueEntry.NoMessage,
        _ when TimestampPoint(text) is { } point => point,
        _ => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ScriptFailedException($"recvmsg(): unknown value {text} in the control message"),
    };

    /// <summary>Whether a recvmsg() reads the error queue: MSG_ERRQUEUE among its flags.</summary>
    private static bool ReadsErrorQueue(SyscallEvent call) =>
        HasFlag(call, 2, "MSG_ERRQUEUE");

    [GeneratedRegex(@"(?<name>ee_[a-z]+)\s*=\s*(?<value>[A-Za-z0-9_-]+)")]
    private static partial Regex ErrorFields();
}
