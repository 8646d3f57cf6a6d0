using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Queues;

namespace NetSim.Scenarios.Model;

/// <summary>A queueing discipline as the scenario describes it; <see cref="Create"/> makes one for a link direction.</summary>
public abstract record QueueSpec
{
    /// <param name="mtu">The link's MTU (CoDel's MAXPACKET).</param>
    /// <param name="typicalTransmission">Time to send an MTU-sized packet on the link (RED's idle decay).</param>
    /// <param name="random">The direction's seeded stream.</param>
    public abstract PacketQueue Create(int mtu, SimTime typicalTransmission, Random random);
}

public sealed record DropTailSpec(int? Packets, long? Bytes) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) => new DropTailQueue(Packets, Bytes);
}

/// <summary>DCTCP's step marking at K packets (RFC 8257 §3.1).</summary>
public sealed record ThresholdSpec(int K, int Limit) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) => new ThresholdMarkingQueue(K, Limit);
}

public sealed record RedSpec(RedParameters Parameters) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) => new RedQueue(Parameters, typicalTransmission, random);
}

public sealed record CoDelSpec(SimTime Target, SimTime Interval, int Limit, bool Ecn) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) =>
        new CoDelQueue(new CoDelParameters(Target, Interval, mtu, Ecn), Limit);
}

/// <summary>PIE (RFC 8033) as Linux's sch_pie.</summary>
public sealed record PieSpec(PieParameters Parameters) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) => new PieQueue(Parameters, mtu, random);
}

/// <summary>FQ-PIE as Linux's sch_fq_pie.</summary>
public sealed record FqPieSpec(PieParameters Parameters, int Flows, int? Quantum, int EcnProbability) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) =>
        new FqPieQueue(Parameters, Flows, Quantum ?? mtu, EcnProbability, mtu, random);
}

public sealed record FqCoDelSpec(SimTime Target, SimTime Interval, int Limit, int Flows, int Quantum, bool Ecn) : QueueSpec
{
    public override PacketQueue Create(int mtu, SimTime typicalTransmission, Random random) =>
        new FqCoDelQueue(new CoDelParameters(Target, Interval, mtu, Ecn), Flows, Quantum, Limit, (ulong)random.NextInt64());
}
