using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;

namespace NetSim.Scenarios.Model;

/// <summary>A loss model as the scenario describes it; <see cref="Create"/> makes one for a link direction.</summary>
public abstract record LossSpec
{
    /// <param name="random">The direction's seeded stream.</param>
    /// <param name="flowEndpoints">A flow's data direction by name: source, destination and destination port.</param>
    public abstract ILossModel Create(Random random, Func<string, (Ipv4Address Source, Ipv4Address Destination, ushort Port)> flowEndpoints);
}

public sealed record NoLossSpec : LossSpec
{
    public static NoLossSpec Instance { get; } = new();

    public override ILossModel Create(Random random, Func<string, (Ipv4Address, Ipv4Address, ushort)> flowEndpoints) => NoLoss.Instance;
}

public sealed record BernoulliSpec(double P) : LossSpec
{
    public override ILossModel Create(Random random, Func<string, (Ipv4Address, Ipv4Address, ushort)> flowEndpoints) =>
        P == 0 ? NoLoss.Instance : new BernoulliLoss(P, random);
}

/// <summary>Every <paramref name="Period"/>-th packet lost.</summary>
public sealed record PeriodicSpec(long Period) : LossSpec
{
    public override ILossModel Create(Random random, Func<string, (Ipv4Address, Ipv4Address, ushort)> flowEndpoints) =>
        new PeriodicLoss(Period);
}

public sealed record GilbertElliottSpec(double P, double R, double LossGood, double LossBad) : LossSpec
{
    public override ILossModel Create(Random random, Func<string, (Ipv4Address, Ipv4Address, ushort)> flowEndpoints) =>
        new GilbertElliottLoss(P, R, LossGood, LossBad, random);
}

/// <summary>Drop the listed packet ordinals, and the listed segments of named flows (sequence numbers relative to the ISN).</summary>
public sealed record ScheduledSpec(IReadOnlyList<long> Ordinals, IReadOnlyList<(string Flow, uint RelativeSequence, int Times, SourceLocation Location)> Segments) : LossSpec
{
    public override ILossModel Create(Random random, Func<string, (Ipv4Address Source, Ipv4Address Destination, ushort Port)> flowEndpoints) =>
        new ScheduledLoss(Ordinals, Segments.Select(s =>
        {
            var (source, destination, port) = flowEndpoints(s.Flow);
            return new SegmentMatch(source, destination, port, s.RelativeSequence, s.Times);
        }));
}
