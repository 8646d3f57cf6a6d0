using System.Globalization;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// Plays a packetdrill script against one simulated endpoint, in virtual time. The script is the
/// remote peer (192.0.2.1, or --remote_ip) on a zero-delay link to the endpoint (192.168.0.1, or
/// --local_ip): it injects the
/// <c>&lt;</c> segments, checks each <c>&gt;</c> segment the endpoint sends, and makes the socket
/// calls. Sequence numbers are relative to each side's initial sequence number, as in
/// packetdrill; outbound TSvals are not checked and inbound TSecr values are mapped to the TSvals
/// the endpoint really sent (packetdrill run_packet.c). Consecutive segments that together cover
/// an expected larger one with the same flags are accepted, as segmentation offload would merge
/// them on Linux.
/// </summary>
public sealed partial class ScriptRunner
{
    private const ushort ScriptPort = 8080;
    private const ushort RemoteEphemeralPort = 48000;

    /// <summary>packetdrill's default --local_ip and --remote_ip.</summary>
    private const string DefaultLocalAddress = "192.168.0.1";
    private const string DefaultRemoteAddress = "192.0.2.1";

    private readonly Ipv4Address _localAddress;
    private readonly Ipv4Address _remoteAddress;

    private readonly PacketdrillScript _script;
    private readonly PacketdrillOptions _options;
    private readonly Simulation _simulation;
    private readonly Host _remote;
    private readonly TcpStack _stack;
    private readonly Nstat _nstat;
    private readonly Queue<(Packet Packet, SimTime At)> _sent = new();
    private readonly SortedDictionary<int, ScriptSocket> _sockets = [];
    private readonly Dictionary<uint, uint> _tsValues = [];
    private readonly List<int> _skipped = [];
    private readonly long _tolerance;

    /// <summary>packetdrill --mss: the segment size of the GSO packets an injected segment larger than it becomes; 0 for none.</summary>
    private readonly ushort _gsoSize;

    /// <summary>packetdrill --bind_port: the port bind() gives a socket.</summary>
    private readonly ushort _bindPort;

    /// <summary>packetdrill --tcp_ts_tick_usecs: the endpoint's TSval clock tick, by which each TSval sent is checked; 0 (the default) leaves TSvals unchecked.</summary>
    private readonly long _tsTick;

    /// <summary>packetdrill --tolerance_percent: a TSval may be off by this share of the time since the script began, when that is more than tolerance_usecs.</summary>
    private readonly double _tolerancePercent;

    /// <summary>packetdrill --strict_segments: each expected segment is one segment sent, never several merged as offload would.</summary>
    private readonly bool _strictSegments;

    private SimTime _previousEventEnd = SimTime.Zero;
    private ushort _remotePort = RemoteEphemeralPort;

    /// <summary>The local and remote ports of connections the script has left for a newer one, whose segments it no longer sees.</summary>
    private readonly HashSet<(ushort Local, ushort Remote)> _retiredConnections = [];

    /// <summary>listen() has been called and no SYN has come since: the next one is a new connection.</summary>
    private bool _listenerAwaitsSyn;

    /// <summary>A SYN has opened a connection to a listener of the script's (one remote port used).</summary>
    private bool _passiveOpened;

    private ushort? _localPort;
    private uint? _localIsn;
    private uint _scriptLocalIsn;
    private uint _remoteIsn;
    private (uint Script, uint Actual)? _firstTs;
    private PendingCall? _pending;

    private ScriptRunner(PacketdrillScript script, PacketdrillOptions options)
    {
        _script = script;
        _options = options;
        _tolerance = script.Options.TryGetValue("tolerance_usecs", out var tolerance)
            ? long.Parse(tolerance, CultureInfo.InvariantCulture)
            : options.ToleranceMicroseconds;
        _strictSegments = script.Options.ContainsKey("strict_segments");
        _gsoSize = script.Options.TryGetValue("mss", out var mss) ? ushort.Parse(mss, CultureInfo.InvariantCulture) : (ushort)0;
        _bindPort = script.Options.TryGetValue("bind_port", out var bindPort) ? ushort.Parse(bindPort, CultureInfo.InvariantCulture) : ScriptPort;
        _tsTick = script.Options.TryGetValue("tcp_ts_tick_usecs", out var tick) ? long.Parse(tick, CultureInfo.InvariantCulture) : 0;
        _tolerancePercent = script.Options.TryGetValue("tolerance_percent", out var percent) ? double.Parse(percent, CultureInfo.InvariantCulture) : 0;
        _localAddress = AddressOption(script, "local_ip", DefaultLocalAddress);
        _remoteAddress = AddressOption(script, "remote_ip", DefaultRemoteAddress);
        _simulation = new Simulation(options.Seed);
        var network = new Network(_simulation);
        var local = network.AddHost("local", _localAddress);

        // What the script writes reaches the kernel through a tun device, whose skbs TCP measures.
        local.ReceiveTruesize = TunSkbTruesize.Of;
        _remote = network.AddHost("remote", _remoteAddress);
        // One petabit per second: every segment crosses in a nanosecond.
        const long rate = 1_000_000_000_000_000;
        network.Connect(local, _remote,
            new LinkChannel(_simulation, network.Pool, "local->remote", rate, SimTime.Zero, 1500, new DropTailQueue(100_000), NoLoss.Instance),
            // The script may inject segments larger than an MTU, as packetdrill's tun device takes them (GRO).
            new LinkChannel(_simulation, network.Pool, "remote->local", rate, SimTime.Zero, ushort.MaxValue, new DropTailQueue(100_000), NoLoss.Instance));
        _remote.Transport = new Capture(this, network.Pool);
        _stack = new TcpStack(_simulation, local, options.Settings);
        _nstat = new Nstat(_stack);
    }

    /// <summary>An IPv4 address the script sets on a line of its own (<c>--local_ip=192.168.0.2</c>, checked by the parser), or packetdrill's default.</summary>
    private static Ipv4Address AddressOption(PacketdrillScript script, string name, string fallback) =>
        Ipv4Address.Parse(script.Options.GetValueOrDefault(name, fallback));

    /// <summary>Parses and runs the script at <paramref name="path"/>; a syntax error is the result's failure.</summary>
    public static ScriptResult RunFile(string path, PacketdrillOptions? options = null)
    {
        options ??= new PacketdrillOptions();
        PacketdrillScript script;
        try
        {
            script = ScriptParser.ParseFile(path, options.Definitions);
        }
        catch (ScriptSyntaxException e)
        {
            return new ScriptResult(path, new ScriptFailure(e.Line, e.Message[(e.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..]), []);
        }

        return Run(script, options);
    }

    public static ScriptResult Run(PacketdrillScript script, PacketdrillOptions? options = null) =>
        new ScriptRunner(script, options ?? new PacketdrillOptions()).Execute();

    private ScriptResult Execute()
    {
        foreach (var scriptEvent in _script.Events)
        {
            try
            {
                switch (scriptEvent)
                {
                    case ShellEvent shell:
                        WaitUntilStart(shell.Time);
                        RunShell(shell);
                        break;
                    case PacketEvent { Inbound: true } inbound:
                        WaitUntilStart(inbound.Time);
                        Inject(inbound.Segment);
                        break;
                    case PacketEvent outbound:
                        Expect(outbound);
                        break;
                    case IcmpEvent icmp:
                        WaitUntilStart(icmp.Time);
                        InjectIcmp(icmp);
                        break;
                    case SyscallEvent call:
                        WaitUntilStart(call.Time);
                        RunSyscall(call);
                        break;
                    case CodeEvent code:
                        WaitUntilStart(code.Time);
                        RunCode(code);
                        break;
                }

                ObserveEpollItems();
            }
            catch (ScriptFailedException e)
            {
                return new ScriptResult(_script.File, new ScriptFailure(e.Line ?? scriptEvent.Line, e.Message), _skipped);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                // A value the line gives that the call or segment cannot take (too large for its field, not a number).
                return new ScriptResult(_script.File, new ScriptFailure(scriptEvent.Line, $"a value does not fit: {e.Message}"), _skipped);
            }

            _previousEventEnd = _simulation.Now;
        }

        try
        {
            FinishPending();
        }
        catch (ScriptFailedException e)
        {
            return new ScriptResult(_script.File, new ScriptFailure(e.Line ?? _script.Events[^1].Line, e.Message), _skipped);
        }

        return new ScriptResult(_script.File, null, _skipped);
    }

    /// <summary>The window the event must happen in, in microseconds of virtual time; null for <c>*</c>.</summary>
    private (long Low, long High)? Expected(ScriptTime time)
    {
        var origin = time.IsRelative ? _previousEventEnd.Microseconds : 0;
        return time.Kind switch
        {
            ScriptTimeKind.Any => null,
            ScriptTimeKind.Absolute or ScriptTimeKind.Relative => (origin + time.Start, origin + time.Start),
            _ => (origin + time.Start, origin + time.End),
        };
    }

    private void WaitUntilStart(ScriptTime time)
    {
        if (Expected(time) is { } window && window.Low > _simulation.Now.Microseconds)
        {
            Advance(static () => false, SimTime.FromMicroseconds(window.Low));
        }
    }

    /// <summary>
    /// Runs the simulation until <paramref name="condition"/> holds or <paramref name="until"/>;
    /// before every event a blocking call that can now return does (so its return time is exact).
    /// </summary>
    private bool Advance(Func<bool> condition, SimTime until)
    {
        var met = _simulation.RunUntil(() =>
        {
            PollPending();
            return condition();
        }, until);
        PollPending();
        return met || condition();
    }

    private static string Seconds(long microseconds) => (microseconds / 1e6).ToString("F6", CultureInfo.InvariantCulture);

    private static string Seconds(SimTime time) => Seconds(time.Microseconds);

    /// <summary>The remote peer's transport: keeps a copy of every segment the endpoint sends, with its arrival time.</summary>
    private sealed class Capture(ScriptRunner runner, PacketPool pool) : IPacketHandler
    {
        public void HandlePacket(Packet packet)
        {
            var copy = pool.Rent();
            packet.CopyTo(copy);
            runner._sent.Enqueue((copy, runner._simulation.Now));
            pool.Return(packet);
        }

        /// <summary>The script's side sends ICMP, never receives it: the endpoint under test emits none.</summary>
        public void HandleIcmp(Packet packet) => pool.Return(packet);
    }
}
