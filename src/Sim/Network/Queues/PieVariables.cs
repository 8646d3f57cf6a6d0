using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>struct pie_vars: PIE's state, times in psched ticks and the probabilities as fractions of MAX_PROB.</summary>
public record struct PieVariables(
    ulong QueueDelay,
    ulong QueueDelayOld,
    ulong BurstTime,
    ulong DequeueStamp,
    ulong Probability,
    ulong AccumulatedProbability,
    ulong DequeueCount,
    uint AverageDequeueRate)
{
    /// <summary>The zeroed private area pie_init() starts from, then pie_vars_init().</summary>
    public static PieVariables Initial => default(PieVariables).Restarted();

    /// <summary>pie_vars_init(): a 150 ms burst allowance and no measurement in progress; the delays and the probability stay.</summary>
    public readonly PieVariables Restarted() => this with
    {
        BurstTime = PieController.Ticks(SimTime.FromMilliseconds(150)),
        DequeueStamp = ulong.MaxValue,
        AccumulatedProbability = 0,
        DequeueCount = ulong.MaxValue,
        AverageDequeueRate = 0,
    };
}
