using NetSim.Reports.Rows;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// What a sweep measures of each run, from its flows.csv: the goodput of all flows together and
/// of each, Jain's fairness index of the flows' goodputs ((sum x)^2 / (n sum x^2)), and the
/// retransmissions and timeouts of all flows.
/// </summary>
public static class SweepMetrics
{
    public const string TotalGoodput = "total_goodput_mbps";
    public const string JainFairness = "jain_fairness";
    public const string Retransmissions = "retransmissions";
    public const string Timeouts = "rto_count";

    /// <summary>The metrics every sweep has, before the per-flow goodputs.</summary>
    public static IReadOnlyList<string> Common { get; } = [TotalGoodput, JainFairness, Retransmissions, Timeouts];

    /// <summary>A flow's own goodput column.</summary>
    public static string FlowGoodput(string flow) => $"{flow}_goodput_mbps";

    /// <summary>The metrics of a sweep whose scenarios have <paramref name="flows"/>, in column order.</summary>
    public static IReadOnlyList<string> Names(IEnumerable<string> flows) => [.. Common, .. flows.Select(FlowGoodput)];

    /// <summary>The metrics of one run, in the order of <see cref="Names"/>.</summary>
    public static double[] Of(IReadOnlyList<FlowRow> flows)
    {
        var goodputs = flows.Select(f => (double)f.GoodputMbps).ToArray();
        var total = goodputs.Sum();
        var squares = goodputs.Sum(g => g * g);
        var jain = squares > 0 ? total * total / (goodputs.Length * squares) : 0;
        return [total, jain, flows.Sum(f => f.Retransmissions), flows.Sum(f => f.RtoCount), .. goodputs];
    }
}
