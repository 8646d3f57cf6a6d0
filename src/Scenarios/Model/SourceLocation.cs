namespace NetSim.Scenarios.Model;

/// <summary>Where in the scenario file a value came from, for errors found after parsing.</summary>
public sealed record SourceLocation(string File, long Line, long Column, string Field)
{
    public ScenarioException Error(string problem) => new(File, Line, Column, Field, problem);
}
