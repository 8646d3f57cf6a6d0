using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;

namespace NetSim.Tcp.Tests;

/// <summary>Exact losses for tests: the listed packet ordinals (1-based, counted on this channel), or everything while <see cref="Blackhole"/> is set.</summary>
internal sealed class ScriptedLoss(params long[] ordinals) : ILossModel
{
    private readonly HashSet<long> _ordinals = [.. ordinals];
    private long _count;

    public bool Blackhole { get; set; }

    public bool ShouldDrop(Packet packet) => _ordinals.Contains(++_count) || Blackhole;
}
