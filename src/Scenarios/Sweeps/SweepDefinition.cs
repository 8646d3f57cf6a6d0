namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// A validated sweep: the grid of its parameters' values (the first parameter varying slowest)
/// times its seeds, every point already parsed into a scenario, and the figures to draw.
/// </summary>
public sealed record SweepDefinition(
    string Name,
    string SourcePath,
    IReadOnlyList<SweepParameter> Parameters,
    int Seeds,
    IReadOnlyList<SweepRun> Runs,
    IReadOnlyList<SweepPlotSpec> Plots)
{
    /// <summary>Grid points: the product of the parameters' value counts.</summary>
    public int Points => Runs.Count / Seeds;
}
