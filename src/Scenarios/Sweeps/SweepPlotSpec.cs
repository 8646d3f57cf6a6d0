namespace NetSim.Scenarios.Sweeps;

/// <summary>A figure of a sweep: <paramref name="Metric"/> against parameter <paramref name="X"/>, one series per value of <paramref name="Series"/> (or of the other parameters together).</summary>
public sealed record SweepPlotSpec(string Metric, string X, string? Series);
