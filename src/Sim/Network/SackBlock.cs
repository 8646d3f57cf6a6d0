using System.Runtime.CompilerServices;

namespace NetSim.Sim.Network;

/// <summary>One SACK block (RFC 2018 §3): the left edge and the sequence number just past the right edge.</summary>
public readonly record struct SackBlock(uint Start, uint End);

/// <summary>Room for the most SACK blocks a segment can carry: four, or three beside timestamps (RFC 2018 §3).</summary>
[InlineArray(MaxBlocks)]
public struct SackBlockArray
{
    public const int MaxBlocks = 4;

    private SackBlock _first;
}
