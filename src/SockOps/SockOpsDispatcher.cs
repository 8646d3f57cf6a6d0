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
    private readonly SockOpsContext _context;
    private readonly HelperCallLog _helperLog = new();

    public SockOpsDispatcher(KernelModel kernel, string scope)
    {
        Kernel = kernel;
        Scope = scope;
        _context = new SockOpsContext(kernel);
    }

    public KernelModel Kernel { get; }

    /// <summary>Which sockets the programs apply to, as the results show it (for example "host:client").</summary>
    public string Scope { get; }

    public IReadOnlyList<SockOpsProgram> Programs => _programs;

    /// <summary>Receives every invocation; when null, nothing is recorded and nothing allocated.</summary>
    public Action<SockOpsInvocation>? Invoked { get; set; }

    public void Attach(SockOpsProgram program) => _programs.Add(program);

    public int Call(TcpConnection connection, SockOp op, uint arg0 = 0, uint arg1 = 0, uint arg2 = 0)
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

        var recording = Invoked is not null;
        _helperLog.Clear();
        var flagsBefore = connection.CallbackFlags;
        _context.Prepare(connection, op, arg0, arg1, arg2, recording ? _helperLog : null);

        var allSucceeded = true;
        string? error = null;
        foreach (var program in _programs)
        {
            int returned;
            try
            {
                returned = program.Run(_context);
            }
            catch (Exception ex)
            {
                // A BPF program cannot fail this way; the closest is returning 0, so the op's default applies.
                returned = 0;
                error = $"{program.Name}: {ex.GetType().Name}: {ex.Message}";
            }

            allSucceeded &= returned == 1;
        }

        var result = allSucceeded ? (int)_context.reply : -1;
        if (recording)
        {
            Invoked!(new SockOpsInvocation(
                connection.Simulation.Now, connection, Scope, op, arg0, arg1, arg2, connection.IsFullSocket,
                flagsBefore, connection.CallbackFlags, _context.reply, result, _helperLog.Describe(), error));
        }

        return result;
    }
}
