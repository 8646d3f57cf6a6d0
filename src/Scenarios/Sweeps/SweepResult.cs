namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// A finished sweep: where its files are, how many runs ran now and how many were already done
/// (a resumed sweep), each run's metrics, and each grid point's summary of them.
/// </summary>
public sealed record SweepResult(
    SweepDefinition Sweep,
    string OutputDirectory,
    IReadOnlyList<string> Files,
    int Executed,
    int Resumed,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<double[]> RunMetrics,
    IReadOnlyList<SweepSummary[]> PointSummaries);
