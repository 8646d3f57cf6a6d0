namespace NetSim.SockOps.Programs;

/// <summary>
/// One of the kernel's samples/bpf sock_ops programs, as a table: for each op it handles, the
/// actions it takes, whose results add up to the reply (the samples write <c>rv = ...; rv += ...</c>);
/// an op it does not handle replies -1. Every sample returns 1.
/// </summary>
public sealed class KernelSampleProgram(string name, IReadOnlyDictionary<int, Func<SockOpsContext, int>[]> actions) : SockOpsProgram
{
    public override string Name { get; } = name;

    public override int Run(SockOpsContext skops)
    {
        if (!actions.TryGetValue((int)skops.op, out var steps))
        {
            skops.reply = unchecked((uint)-1);
            return 1;
        }

        var reply = 0;
        foreach (var step in steps)
        {
            reply += step(skops);
        }

        skops.reply = unchecked((uint)reply);
        return 1;
    }
}
