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
    private string? _contentHash;

    /// <summary>
    /// SHA-256 of the scenario document as parsed (canonical YAML, a sweep point's values in place),
    /// in hex. Computed when first asked for (by a run's manifest), so a benchmark never loads the
    /// cryptography libraries.
    /// </summary>
    public string ContentHash => _contentHash ??= CanonicalText is null
        ? string.Empty
        : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CanonicalText)));

    /// <summary>The document written out again as YAML: the same scenario reads the same however the file laid it out.</summary>
    internal string? CanonicalText { get; init; }

    /// <summary>trace_interval: how often throughput.csv samples each flow's goodput (100 ms by default).</summary>
    public SimTime TraceInterval { get; init; } = SimTime.FromMilliseconds(100);
}
