using NetSim.Sim.Kernel;
using NetSim.SockOps.Kernel;
using NetSim.Tcp;

namespace NetSim.Scenarios.Model;

/// <summary>A validated scenario: everything needed to build and run it, with nothing left to check.</summary>
public sealed record Scenario(
    string Name,
    string SourcePath,
    ulong Seed,
    SimTime Duration,
    KernelModel Kernel,
    TcpSettings Defaults,
    IReadOnlyList<string> Hosts,
    IReadOnlyList<string> Routers,
    IReadOnlyList<LinkSpec> Links,
    IReadOnlyList<FlowSpec> Flows,
    IReadOnlyList<SockOpsAttachment> SockOps,
    IReadOnlySet<TraceKind> Trace,
    CaptureSpec Capture)
{
    /// <summary>SHA-256 of the scenario document as parsed (canonical YAML, a sweep point's values in place), in hex.</summary>
    public string ContentHash { get; init; } = string.Empty;

    /// <summary>trace_interval: how often throughput.csv samples each flow's goodput (100 ms by default).</summary>
    public SimTime TraceInterval { get; init; } = SimTime.FromMilliseconds(100);
}
