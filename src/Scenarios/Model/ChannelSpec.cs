using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Scenarios.Model;

/// <summary>One direction of a link.</summary>
/// <param name="FramingBytes">Link-layer bytes each packet adds on the wire (<see cref="LinkChannel.FramingBytes"/>).</param>
/// <param name="PmtudBlackHole">Packets too big for the link are dropped without a Fragmentation Needed (<see cref="LinkChannel.PmtudBlackHole"/>).</param>
public sealed record ChannelSpec(long RateBitsPerSecond, SimTime Delay, int Mtu, QueueSpec Queue, LossSpec Loss, Impairments Impairments, int FramingBytes = 0, bool PmtudBlackHole = false);
