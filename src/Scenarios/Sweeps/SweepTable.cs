using System.Globalization;
using NetSim.Reports;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// A sweep's results as summary.csv holds them: the parameters and their values, the metrics,
/// and for each grid point its values and each metric's summary. The figures and report.html are
/// drawn from this, right after a sweep or later from summary.csv and the sweep's manifest.
/// </summary>
public sealed record SweepTable(
    string Name,
    int Seeds,
    IReadOnlyList<SweepParameter> Parameters,
    IReadOnlyList<string> Metrics,
    IReadOnlyList<(IReadOnlyList<string> Values, SweepSummary[] Summaries)> Points)
{
    public static SweepTable Of(SweepDefinition sweep, IReadOnlyList<string> metrics, IReadOnlyList<SweepSummary[]> summaries) =>
        new(sweep.Name, sweep.Seeds, sweep.Parameters, metrics,
            [.. summaries.Select((s, p) => ((IReadOnlyList<string>)sweep.Runs[p * sweep.Seeds].Values, s))]);

    /// <summary>Writes summary.csv: point, the parameters, runs, then each metric's mean, sd and 95% interval.</summary>
    public void Write(string path)
    {
        var header = new List<string> { "point" };
        header.AddRange(Parameters.Select(p => p.Path));
        header.Add("runs");
        foreach (var metric in Metrics)
        {
            header.AddRange([$"{metric}_mean", $"{metric}_sd", $"{metric}_ci95_low", $"{metric}_ci95_high"]);
        }

        CsvTables.WriteTable(path, header, Points.Select((point, p) =>
            (IReadOnlyList<string>)[
                p.ToString(CultureInfo.InvariantCulture),
                .. point.Values,
                point.Summaries[0].Runs.ToString(CultureInfo.InvariantCulture),
                .. point.Summaries.SelectMany(s => new[] { Number(s.Mean), Number(s.StandardDeviation), Number(s.Low), Number(s.High) }),
            ]));
    }

    /// <summary>Reads summary.csv back, with the parameters named in the sweep's manifest.</summary>
    public static SweepTable Read(string path, string name, int seeds, IReadOnlyList<SweepParameter> parameters)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        var first = 1 + parameters.Count + 1;
        var metrics = header.Skip(first).Where((_, i) => i % 4 == 0).Select(h => h[..^"_mean".Length]).ToList();
        var points = lines.Skip(1).Select(line =>
        {
            var fields = line.Split(',');
            var runs = int.Parse(fields[first - 1], CultureInfo.InvariantCulture);
            var summaries = metrics.Select((_, m) => new SweepSummary(runs, Parse(fields[first + (4 * m)]), Parse(fields[first + (4 * m) + 1]),
                Parse(fields[first + (4 * m) + 2]), Parse(fields[first + (4 * m) + 3]))).ToArray();
            return ((IReadOnlyList<string>)fields[1..(1 + parameters.Count)], summaries);
        }).ToList();
        return new SweepTable(name, seeds, parameters, metrics, points);
    }

    /// <summary>A number as the sweep's CSV files write it: ten significant digits, NaN as an empty field.</summary>
    internal static string Number(double value) => double.IsNaN(value) ? string.Empty : value.ToString("G10", CultureInfo.InvariantCulture);

    private static double Parse(string text) => text.Length == 0 ? double.NaN : double.Parse(text, CultureInfo.InvariantCulture);
}
