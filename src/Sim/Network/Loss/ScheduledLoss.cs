namespace NetSim.Sim.Network.Loss;

/// <summary>
/// Exact, scripted losses for reproducible experiments and tests: drops the listed packet ordinals
/// (1-based, counted on the channel it is attached to), and every packet while <see cref="Outage"/> is set.
/// </summary>
public sealed class ScheduledLoss(params long[] ordinals) : ILossModel
{
    private readonly HashSet<long> _ordinals = [.. ordinals];

    /// <summary>Packets seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>While set, the link loses everything (a blackhole or outage).</summary>
    public bool Outage { get; set; }

    public bool ShouldDrop(Packet packet) => _ordinals.Contains(++Count) || Outage;
}
