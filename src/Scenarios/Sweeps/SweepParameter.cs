namespace NetSim.Scenarios.Sweeps;

/// <summary>One swept parameter: the scenario field it sets (for example <c>links[0].loss</c>) and the values it takes, as written.</summary>
public sealed record SweepParameter(string Path, IReadOnlyList<string> Values);
