using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network;

/// <summary>
/// What a link direction does to packets besides delaying and losing them: extra delay for a
/// fraction of packets so that later ones overtake them (reordering), duplicates, and jitter, a
/// uniform extra delay in [0, <see cref="JitterMax"/>] that keeps FIFO order unless
/// <see cref="JitterReorders"/> is set, and corruption: bit errors that fail the receiver's
/// checksum (<see cref="Packet.Corrupted"/>).
/// </summary>
public sealed record Impairments(
    double ReorderFraction = 0,
    SimTime ReorderExtraDelay = default,
    double DuplicateFraction = 0,
    SimTime JitterMax = default,
    bool JitterReorders = false,
    double CorruptFraction = 0)
{
    public static Impairments None { get; } = new();

    public bool Any => ReorderFraction > 0 || DuplicateFraction > 0 || JitterMax > SimTime.Zero || CorruptFraction > 0;
}
