namespace NetSim.SockOps;

/// <summary>
/// A sock_ops program: called with the context at each op, it returns 1 for success, as a BPF
/// program does; any other value makes the kernel's tcp_call_bpf() return -1.
/// </summary>
public abstract class SockOpsProgram
{
    public abstract string Name { get; }

    public abstract int Run(SockOpsContext skops);
}
