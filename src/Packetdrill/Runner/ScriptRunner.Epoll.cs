using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// epoll_create(), epoll_ctl() and epoll_wait() (packetdrill syscall_epoll_*()), over the events
/// tcp_poll() reports (<see cref="Revents"/>). An item is ready when one of its events appears
/// that was not there when the runner last looked (it looks after every line of the script), or,
/// for EPOLLIN, when more data has arrived: the wake-ups (sk_data_ready(), sk_write_space(),
/// sk_state_change()) that put it on Linux's ready list. A level-triggered item stays ready while
/// an event it asks for holds; an edge-triggered one (EPOLLET) is reported once per wake-up. A
/// notification on the error queue is a wake-up of its own (sk_error_report()). EPOLLONESHOT
/// disables an item once reported, until EPOLL_CTL_MOD arms it again; EPOLLEXCLUSIVE, which
/// only matters to several epoll instances waiting on one descriptor, changes nothing here.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>The epoll instances by descriptor, each with its items by descriptor.</summary>
    private readonly Dictionary<int, Dictionary<int, EpollItem>> _epolls = [];

    /// <summary>One descriptor registered with an epoll instance.</summary>
    private sealed class EpollItem(ScriptSocket socket, EpollRequest request)
    {
        public ScriptSocket Socket { get; } = socket;
        public EpollRequest Request { get; set; } = request;
        public int Events => Request.Events;
        public bool EdgeTriggered => Request.EdgeTriggered;
        public bool Ready { get; set; }

        /// <summary>Reported under EPOLLONESHOT: nothing more until EPOLL_CTL_MOD (ep_poll() clears the events).</summary>
        public bool Disarmed { get; set; }
        public int LastMask { get; set; }
        public long LastBytesReceived { get; set; }
        public int LastErrorReports { get; set; }
    }

    /// <summary>The events of epoll_ctl()'s struct epoll_event, as POLL* bits, and its EPOLLET and EPOLLONESHOT.</summary>
    private sealed record EpollRequest(int Events, bool EdgeTriggered, bool OneShot);

    private SyscallOutcome EpollCreate(SyscallEvent call)
    {
        var socket = NewSocket(call);
        _epolls[socket.Fd] = [];
        return SyscallOutcome.Return(socket.Fd);
    }

    /// <summary>epoll_ctl(epfd, EPOLL_CTL_ADD | MOD | DEL, fd, {events=..., fd=N}): EEXIST, ENOENT as Linux.</summary>
    private SyscallOutcome EpollControl(SyscallEvent call)
    {
        var epoll = EpollOf(call);
        var fd = (int)IntegerArgument(call, 2);
        var socket = _sockets.TryGetValue(fd, out var open) ? open : throw new ScriptFailedException($"epoll_ctl(): fd {fd} is not open (EBADF)");
        var request = call.Arguments.Count > 3 ? EpollEvents(call.Arguments[3]) : new EpollRequest(0, false, false);
        switch (call.Arguments[1])
        {
            case "EPOLL_CTL_ADD" when epoll.ContainsKey(fd):
                return SyscallOutcome.Fail("EEXIST");
            case "EPOLL_CTL_ADD":
                epoll[fd] = Registered(new EpollItem(socket, request));
                return SyscallOutcome.Return(0);
            case "EPOLL_CTL_MOD" when epoll.TryGetValue(fd, out var item):
                item.Request = request;
                Registered(item);
                return SyscallOutcome.Return(0);
            case "EPOLL_CTL_DEL" when epoll.Remove(fd):
                return SyscallOutcome.Return(0);
            case "EPOLL_CTL_MOD" or "EPOLL_CTL_DEL":
                return SyscallOutcome.Fail("ENOENT");
            default:
                throw new ScriptFailedException($"epoll_ctl(): unknown operation {call.Arguments[1]}");
        }
    }

    /// <summary>ep_insert() and ep_modify(): an item whose events already hold goes on the ready list.</summary>
    private EpollItem Registered(EpollItem item)
    {
        CollectZeroCopyNotifications();
        var mask = Revents(new PollFd(item.Socket, item.Events, 0));
        item.Ready = mask != 0;
        item.Disarmed = false;
        item.LastMask = Revents(new PollFd(item.Socket, ~0, 0));
        item.LastBytesReceived = item.Socket.Connection?.Statistics.BytesReceived ?? 0;
        item.LastErrorReports = item.Socket.ErrorReports;
        return item;
    }

    /// <summary>
    /// epoll_wait(epfd, {events=..., fd=N}, maxevents, timeout): the first ready item's events must
    /// be those written (<c>{events=0, ptr=0}</c> when none is ready), and the call returns how many
    /// are ready, at most maxevents. A timeout above zero waits for one.
    /// </summary>
    private SyscallOutcome EpollWait(SyscallEvent call)
    {
        var epoll = EpollOf(call);
        var maxEvents = (int)IntegerArgument(call, 2);
        var timeoutMs = IntegerArgument(call, 3);
        var expected = EpollExpected().Match(call.Arguments[1]);
        List<(int Fd, int Events)> Ready()
        {
            ObserveEpollItems();
            return [.. epoll.Where(e => e.Value.Ready && !e.Value.Disarmed)
                .Select(e => (e.Key, Revents(new PollFd(e.Value.Socket, e.Value.Events, 0))))
                .Where(e => e.Item2 != 0)];
        }

        SyscallOutcome Report()
        {
            var ready = Ready().Take(maxEvents).ToList();
            foreach (var (fd, _) in ready)
            {
                var item = epoll[fd];
                item.Ready = !item.EdgeTriggered;
                item.Disarmed = item.Request.OneShot;
            }

            var (events, fdWritten) = ready.Count > 0 ? (ready[0].Events, ready[0].Fd) : (0, 0);
            var wantedEvents = expected.Success ? EpollEvents(expected.Groups["events"].Value).Events : 0;
            if (events != wantedEvents || (ready.Count > 0 && expected.Groups["fd"].Success && int.Parse(expected.Groups["fd"].Value, CultureInfo.InvariantCulture) != fdWritten))
            {
                throw new ScriptFailedException($"epoll_wait(): {(ready.Count == 0 ? "no event" : $"events {PollText(events)} on fd {fdWritten}")}, expected {call.Arguments[1]} (at {Seconds(_simulation.Now)} s)");
            }

            return SyscallOutcome.Return(ready.Count);
        }

        if (timeoutMs == 0 || Ready().Count > 0)
        {
            return Report();
        }

        var deadline = timeoutMs < 0 ? Sim.Kernel.SimTime.Never : Sim.Kernel.SimTime.FromMicroseconds(_simulation.Now.Microseconds + (timeoutMs * 1000));
        if (deadline != Sim.Kernel.SimTime.Never)
        {
            _simulation.Schedule(deadline, () => { });
        }

        return SyscallOutcome.WaitFor(() => Ready().Count > 0 || _simulation.Now >= deadline, Report);
    }

    /// <summary>What the wake-ups since the last look did: events newly there, or data newly arrived, make an item ready.</summary>
    private void ObserveEpollItems()
    {
        CollectZeroCopyNotifications();
        foreach (var epoll in _epolls.Values)
        {
            foreach (var item in epoll.Values)
            {
                var mask = Revents(new PollFd(item.Socket, ~0, 0));
                var received = item.Socket.Connection?.Statistics.BytesReceived ?? 0;
                var newData = received > item.LastBytesReceived && (item.Events & PollIn) != 0;
                var errorReported = item.Socket.ErrorReports > item.LastErrorReports;
                item.Ready |= (mask & ~item.LastMask & item.Events) != 0 || newData || errorReported;
                item.LastMask = mask;
                item.LastBytesReceived = received;
                item.LastErrorReports = item.Socket.ErrorReports;
            }
        }
    }

    private Dictionary<int, EpollItem> EpollOf(SyscallEvent call) =>
        _epolls.TryGetValue(SocketOf(call).Fd, out var epoll) ? epoll : throw new ScriptFailedException($"{call.Name}(): fd {call.Arguments[0]} is not an epoll instance (EINVAL)");

    /// <summary><c>{events=EPOLLOUT|EPOLLET, fd=4}</c>: the events (EPOLL* as POLL* bits), whether edge-triggered, whether one-shot.</summary>
    private static EpollRequest EpollEvents(string text)
    {
        var match = EpollExpected().Match(text);
        var flags = match.Success ? match.Groups["events"].Value : text;
        var mask = 0;
        var edge = false;
        var oneShot = false;
        foreach (var part in flags.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (part)
            {
                case "EPOLLET":
                    edge = true;
                    continue;
                case "EPOLLONESHOT":
                    oneShot = true;
                    continue;
                case "EPOLLEXCLUSIVE":
                    continue;
            }

            var name = part.StartsWith("EPOLL", StringComparison.Ordinal) ? "POLL" + part["EPOLL".Length..] : part;
            mask |= PollBits.TryGetValue(name, out var bit) ? bit
                : int.TryParse(part, CultureInfo.InvariantCulture, out var number) ? number
                : throw new ScriptFailedException($"epoll: unknown event {part}");
        }

        return new EpollRequest(mask, edge, oneShot);
    }

    [GeneratedRegex(@"\{\s*events\s*=\s*(?<events>[^,}]+?)\s*(?:,\s*(?:fd\s*=\s*(?<fd>\d+)|ptr\s*=\s*\d+|u32\s*=\s*\d+|u64\s*=\s*\d+))?\s*\}")]
    private static partial Regex EpollExpected();
}
