using NetSim.Sim.Kernel;

namespace NetSim.Scenarios.Model;

/// <summary>A point-to-point link; "forward" carries packets from the first host named to the second.</summary>
public sealed record LinkSpec(
    string A,
    string B,
    long RateBitsPerSecond,
    SimTime Delay,
    int Mtu,
    int QueuePackets,
    double ForwardLoss,
    double ReverseLoss);
