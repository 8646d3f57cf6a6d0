using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// poll([{fd=N, events=..., revents=...}, ...], nfds, timeout_ms) (packetdrill syscall_poll()):
/// each descriptor's events as Linux tcp_poll() reports them, masked by what was asked for plus
/// POLLERR and POLLHUP, must equal the revents the script wrote; the call returns how many
/// descriptors have any. A timeout above zero waits for the first event or the timeout, -1 for the
/// first event.
/// </summary>
public sealed partial class ScriptRunner
{
    private const int PollIn = 0x001;
    private const int PollPri = 0x002;
    private const int PollOut = 0x004;
    private const int PollErr = 0x008;
    private const int PollHup = 0x010;
    private const int PollRdNorm = 0x040;
    private const int PollWrNorm = 0x100;
    private const int PollRdHup = 0x2000;

    private static readonly Dictionary<string, int> PollBits = new(StringComparer.Ordinal)
    {
        ["POLLIN"] = PollIn,
        ["POLLPRI"] = PollPri,
        ["POLLOUT"] = PollOut,
        ["POLLERR"] = PollErr,
        ["POLLHUP"] = PollHup,
        ["POLLNVAL"] = 0x020,
        ["POLLRDNORM"] = PollRdNorm,
        ["POLLRDBAND"] = 0x080,
        ["POLLWRNORM"] = PollWrNorm,
        ["POLLWRBAND"] = 0x200,
        ["POLLMSG"] = 0x400,
        ["POLLRDHUP"] = PollRdHup,
    };

    private sealed record PollFd(ScriptSocket Socket, int Events, int ExpectedRevents);

    private SyscallOutcome Poll(SyscallEvent call)
    {
        if (call.Arguments.Count != 3)
        {
            throw new ScriptFailedException("poll(): expected ([{fd=N, events=..., revents=...}, ...], nfds, timeout_ms)");
        }

        var fds = PollFds(call.Arguments[0]);
        if (IntegerArgument(call, 1) != fds.Count)
        {
            throw new ScriptFailedException($"poll(): nfds {call.Arguments[1]} but {fds.Count} descriptors listed");
        }

        var timeoutMs = IntegerArgument(call, 2);
        bool AnyEvent()
        {
            CollectZeroCopyNotifications();
            return fds.Any(f => Revents(f) != 0);
        }

        SyscallOutcome Report()
        {
            CollectZeroCopyNotifications();
            foreach (var fd in fds)
            {
                var revents = Revents(fd);
                if (revents != fd.ExpectedRevents)
                {
                    throw new ScriptFailedException($"poll(): fd {fd.Socket.Fd} revents {PollText(revents)}, expected {PollText(fd.ExpectedRevents)} (at {Seconds(_simulation.Now)} s)");
                }
            }

            return SyscallOutcome.Return(fds.Count(f => Revents(f) != 0));
        }

        if (timeoutMs == 0 || AnyEvent())
        {
            return Report();
        }

        // The timeout runs from the call's time in whole microseconds, the script's resolution (the
        // simulated links add nanoseconds of transmission that the script does not see).
        var deadline = timeoutMs < 0 ? SimTime.Never : SimTime.FromMicroseconds(_simulation.Now.Microseconds + (timeoutMs * 1000));
        if (deadline != SimTime.Never)
        {
            // Something must happen at the deadline for the wait to notice it.
            _simulation.Schedule(deadline, () => { });
        }

        return SyscallOutcome.WaitFor(() => AnyEvent() || _simulation.Now >= deadline, Report);
    }

    /// <summary>Linux tcp_poll() (inet_csk_listen_poll() for a listener), masked by the events asked for plus POLLERR and POLLHUP.</summary>
    private static int Revents(PollFd fd)
    {
        var mask = 0;
        if (fd.Socket.Listener is { State: TcpState.Listen } listener)
        {
            mask = listener.AcceptQueueLength > 0 ? PollIn | PollRdNorm : 0;
        }
        else if (fd.Socket.Connection is { } connection)
        {
            mask = ConnectionEvents(connection, fd.Socket);
        }
        else if (fd.Socket.DeferredConnect)
        {
            // tcp_poll(): a deferred Fast Open connect is writable, so that the write that sends the SYN comes.
            mask = PollOut | PollWrNorm;
        }
        else
        {
            // tcp_poll() in CLOSE, never connected or no longer listening: hung up, and writable (nothing queued).
            mask = PollHup | PollOut | PollWrNorm;
        }

        // tcp_poll(): a queued error, a zerocopy notification here, is POLLERR.
        if (fd.Socket.ErrorQueue.Count > 0)
        {
            mask |= PollErr;
        }

        return mask & (fd.Events | PollErr | PollHup);
    }

    private static int ConnectionEvents(TcpConnection connection, ScriptSocket socket)
    {
        var mask = 0;
        if (connection.ShutdownState == SocketShutdown.Both || connection.State == TcpState.Closed)
        {
            mask |= PollHup;
        }

        if (connection.ReceiveShutDown)
        {
            mask |= PollIn | PollRdNorm | PollRdHup;
        }

        // tcp_poll(): not before the handshake ends, but for a Fast Open child.
        if (connection.State is not (TcpState.SynSent or TcpState.SynReceived) || connection.FastOpenRequestPending)
        {
            // tcp_stream_is_readable(): tcp_epollin_ready() with SO_RCVLOWAT.
            if (connection.EpollinReady)
            {
                mask |= PollIn | PollRdNorm;
            }

            // __sk_stream_is_writeable(sk, 1): room, and not-sent data under half TCP_NOTSENT_LOWAT.
            if (connection.SendShutDown || connection.IsWriteable)
            {
                mask |= PollOut | PollWrNorm;
            }
        }

        if (connection.Error is not null && !socket.ErrorReported)
        {
            mask |= PollErr;
        }

        return mask;
    }

    /// <summary>The pollfd array: <c>[{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}, ...]</c>.</summary>
    private List<PollFd> PollFds(string argument)
    {
        var fds = new List<PollFd>();
        foreach (Match entry in PollFdPattern().Matches(argument))
        {
            var fd = int.Parse(entry.Groups["fd"].Value, CultureInfo.InvariantCulture);
            var socket = _sockets.TryGetValue(fd, out var open) ? open : throw new ScriptFailedException($"poll(): fd {fd} is not open (EBADF)");
            fds.Add(new PollFd(socket, PollMask(entry.Groups["events"].Value), PollMask(entry.Groups["revents"].Value)));
        }

        return fds.Count > 0 ? fds : throw new ScriptFailedException($"poll(): expected [{{fd=N, events=..., revents=...}}], got {argument}");
    }

    private static int PollMask(string text)
    {
        var mask = 0;
        foreach (var part in text.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            mask |= PollBits.TryGetValue(part, out var bit) ? bit
                : int.TryParse(part, CultureInfo.InvariantCulture, out var number) ? number
                : throw new ScriptFailedException($"poll(): unknown event {part}");
        }

        return mask;
    }

    private static string PollText(int mask) =>
        mask == 0 ? "0" : string.Join('|', PollBits.Where(b => (mask & b.Value) != 0).Select(b => b.Key));

    [GeneratedRegex(@"\{\s*fd\s*=\s*(?<fd>\d+)\s*,\s*events\s*=\s*(?<events>[^,}]+?)\s*,\s*revents\s*=\s*(?<revents>[^,}]+?)\s*\}")]
    private static partial Regex PollFdPattern();
}
