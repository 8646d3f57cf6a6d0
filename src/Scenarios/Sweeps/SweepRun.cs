using NetSim.Scenarios.Model;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// One run of a sweep: grid point <paramref name="Point"/> (its parameter values in
/// <paramref name="Values"/>, in the order of the sweep's parameters) with one of the seeds.
/// </summary>
public sealed record SweepRun(int Point, ulong Seed, IReadOnlyList<string> Values, Scenario Scenario)
{
    /// <summary>The run's results folder under the sweep's <c>runs/</c>.</summary>
    public string Folder => $"p{Point:D3}-seed{Seed}";
}
