using NetSim.Reports.Rows;
using NetSim.Scenarios.Model;

namespace NetSim.Scenarios;

/// <summary>What a completed run produced: where its files are and the figures a summary shows.</summary>
public sealed record RunResult(
    Scenario Scenario,
    string OutputDirectory,
    IReadOnlyList<string> Files,
    IReadOnlyList<FlowRow> Flows,
    IReadOnlyList<LinkRow> Links,
    IReadOnlyList<(string Op, int Count)> SockOpsCounts,
    long EventsDispatched,
    TimeSpan WallTime);
