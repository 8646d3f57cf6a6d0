using NetSim.SockOps.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

/// <summary>
/// The programs attached to one group of sockets (Linux attaches them to a cgroup), run at
/// every op the TCP code invokes, as include/net/tcp.h tcp_call_bpf() and
/// kernel/bpf/cgroup.c run them: the context is zeroed and filled, every program runs in attach
/// order on the same context, and the result is the reply when all returned 1, else -1.
/// </summary>
public sealed class SockOpsDispatcher : ISockOpsDispatcher
{
    private readonly List<SockOpsProgram> _programs = [];
    private readonly List<IReadOnlySet<ushort>?> _ports = [];
    private readonly List<bool> _stopOnError = [];
    private bool _anyNarrowed;
    private readonly NetSim.SockOps.Maps.BpfMaps _maps;

    /// <summary>
    /// One context and helper log per nesting depth: an op can run inside another, as Linux's
    /// tcp_call_bpf() can (a program's setsockopt(TCP_CONGESTION, "nv") runs NV's init, which asks
    /// BASE_RTT; a send it causes asks HDR_OPT_LEN), each with its own struct bpf_sock_ops on the stack.
    /// </summary>
    private readonly List<(SockOpsContext Context, HelperCallLog Log)> _frames = [];
    private int _depth;

    /// <summary>Records of ops that ran inside another, held until it ends so the log keeps the order the ops began in.</summary>
    private readonly List<(int Began, SockOpsInvocation Invocation)> _nestedRecords = [];
    private int _began;
    private Action<SockOpsOutput>? _output;

    /// <param name="maps">The run's maps, shared with the other groups' programs; a fresh set when null.</param>
    public SockOpsDispatcher(KernelModel kernel, string scope, NetSim.SockOps.Maps.BpfMaps? maps = null)
    {
        Kernel = kernel;
        Scope = scope;
        _maps = maps ?? new NetSim.SockOps.Maps.BpfMaps();
    }

    public KernelModel Kernel { get; }

    /// <summary>Which sockets the programs apply to, as the results show it (for example "host:client").</summary>
    public string Scope { get; }

    public IReadOnlyList<SockOpsProgram> Programs => _programs;

    /// <summary>Receives every invocation; when null, nothing is recorded and nothing allocated.</summary>
    public Action<SockOpsInvocation>? Invoked { get; set; }

    /// <summary>Receives what programs emit with bpf_output(); when null, the records are dropped, as perf events nobody reads.</summary>
    public Action<SockOpsOutput>? Output
    {
        get => _output;
        set
        {
            _output = value;
            foreach (var frame in _frames)
            {
                frame.Context.Output = value;
            }
        }
    }

    public void Attach(SockOpsProgram program) => Attach(program, null);

    /// <summary>
    /// Attaches <paramref name="program"/> for the sockets whose local or remote port is one of
    /// <paramref name="ports"/> (all of the group's sockets when null), after the programs already
    /// attached. A program that throws is logged and the op takes its default, as a failing BPF
    /// program's would; with <paramref name="stopOnError"/> the run stops there instead.
    /// </summary>
    public void Attach(SockOpsProgram program, IReadOnlySet<ushort>? ports, bool stopOnError = false)
    {
        _programs.Add(program);
        _ports.Add(ports);
        _stopOnError.Add(stopOnError);
        _anyNarrowed |= ports is not null;
    }

    private bool Applies(int index, TcpConnection connection) =>
        _ports[index] is not { } ports || ports.Contains(connection.LocalPort) || ports.Contains(connection.RemotePort);

    /// <summary>
    /// The scope an invocation ran in, for the record: the group, narrowed to the ports of the
    /// programs that ran when all of them are attached by port.
    /// </summary>
    private string ScopeOf(TcpConnection connection)
    {
        if (!_anyNarrowed)
        {
            return Scope;
        }

        var applying = Enumerable.Range(0, _programs.Count).Where(i => Applies(i, connection)).ToList();
        return applying.All(i => _ports[i] is not null)
            ? $"{Scope} port:{string.Join(',', applying.SelectMany(i => _ports[i]!).Distinct().Order())}"
            : Scope;
    }

    public int Call(TcpConnection connection, SockOp op, uint arg0 = 0, uint arg1 = 0, uint arg2 = 0, SockOpsSkb? segment = null)
    {
        if (_programs.Count == 0 || !Kernel.Invokes(op))
        {
            return 0;
        }

        if (op == SockOp.RttCb && !Kernel.RttCallbackHasArgs)
        {
            arg0 = 0;
            arg1 = 0;
        }

        if (_depth == _frames.Count)
        {
            _frames.Add((new SockOpsContext(Kernel, _maps) { Output = _output }, new HelperCallLog()));
        }

        var (context, helperLog) = _frames[_depth];
        _depth++;
        try
        {
            return Run(context, helperLog, _began++, connection, op, arg0, arg1, arg2, segment);
        }
        finally
        {
            _depth--;
            if (_depth == 0)
            {
                _began = 0;
            }
        }
    }

    private int Run(SockOpsContext context, HelperCallLog helperLog, int began, TcpConnection connection, SockOp op, uint arg0, uint arg1, uint arg2, SockOpsSkb? segment)
    {
        var recording = Invoked is not null;
        helperLog.Clear();
        var flagsBefore = connection.CallbackFlags;
        context.Prepare(connection, op, arg0, arg1, arg2, segment, recording ? helperLog : null);

        var allSucceeded = true;
        var ran = false;
        string? error = null;
        for (var i = 0; i < _programs.Count; i++)
        {
            if (!Applies(i, connection))
            {
                continue;
            }

            ran = true;
            var program = _programs[i];
            context.Program = program;
            int returned;
            try
            {
                returned = program.Run(context);
            }
            catch (Exception ex) when (!_stopOnError[i])
            {
                // A BPF program cannot fail this way; the closest is returning 0, so the op's default applies.
                returned = 0;
                error = $"{program.Name}: {ex.GetType().Name}: {ex.Message}";
            }
            catch (Exception ex)
            {
                throw new SockOpsProgramException(
                    $"{program.Name} failed in {op} on {connection} at {connection.Simulation.Now}: {ex.GetType().Name}: {ex.Message}", ex);
            }

            allSucceeded &= returned == 1;
        }

        if (!ran)
        {
            // No program of this group applies to the socket: as if none were attached.
            return 0;
        }

        segment?.Failed = !allSucceeded;
        var result = allSucceeded ? (int)context.reply : -1;
        if (recording)
        {
            Record(began, new SockOpsInvocation(
                connection.Simulation.Now, connection, ScopeOf(connection), op, arg0, arg1, arg2, connection.IsFullSocket,
                flagsBefore, connection.CallbackFlags, context.reply, result, helperLog.Describe(), error));
        }

        return result;
    }

    /// <summary>
    /// Hands on a finished op's record once no op runs around it, followed by the records of the
    /// ops that ran inside it, in the order they began: the log's order is the order ops started.
    /// </summary>
    private void Record(int began, SockOpsInvocation invocation)
    {
        if (_depth > 1)
        {
            _nestedRecords.Add((began, invocation));
            return;
        }

        Invoked!(invocation);
        _nestedRecords.Sort((a, b) => a.Began.CompareTo(b.Began));
        foreach (var (_, nested) in _nestedRecords)
        {
            Invoked!(nested);
        }

        _nestedRecords.Clear();
    }
}
