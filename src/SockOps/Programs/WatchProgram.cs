using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Programs;

/// <summary>
/// builtin:watch. On ACTIVE/PASSIVE_ESTABLISHED it sets the callback flags the scenario asks
/// for; after <see cref="RttSamples"/> RTT callbacks on a socket it clears RTT_CB there, leaving
/// the others: per-connection toggling with bpf_sock_ops_cb_flags_set().
/// </summary>
public sealed class WatchProgram : SockOpsProgram
{
    private readonly SocketStorage<RttCount> _rttCounts = new();

    public WatchProgram(SockOpsCallbackFlags flags, int? rttSamples)
    {
        if (rttSamples is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rttSamples), "rtt_samples counts at least one callback");
        }

        Flags = flags;
        RttSamples = rttSamples;
    }

    public override string Name => "builtin:watch";

    public SockOpsCallbackFlags Flags { get; }

    /// <summary>How many RTT callbacks a socket gets before RTT_CB is cleared; null keeps it on.</summary>
    public int? RttSamples { get; }

    public override int Run(SockOpsContext skops)
    {
        switch (skops.Op)
        {
            case SockOp.ActiveEstablishedCb:
            case SockOp.PassiveEstablishedCb:
                skops.CbFlagsSet(Flags);
                break;
            case SockOp.RttCb when RttSamples is { } limit:
                var count = _rttCounts.Get(skops, create: true)!;
                count.Value++;
                if (count.Value >= limit)
                {
                    skops.CbFlagsSet(skops.CallbackFlags & ~SockOpsCallbackFlags.Rtt);
                }

                break;
        }

        return 1;
    }

    private sealed class RttCount
    {
        public int Value;
    }
}
