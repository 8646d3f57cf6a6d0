using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Scenarios.Model;

/// <summary>One direction of a link.</summary>
public sealed record ChannelSpec(long RateBitsPerSecond, SimTime Delay, int Mtu, QueueSpec Queue, LossSpec Loss, Impairments Impairments);
