using System.Globalization;
using NetSim.Reports;
using NetSim.Reports.Plots;
using NetSim.Reports.Rows;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// Runs every run of a sweep, as many at once as asked (each deterministic, each into its own
/// folder under <c>runs/</c>, which appears only once the run is complete), skipping the runs a
/// previous, interrupted sweep already finished. Then writes <c>sweep.csv</c> (one row per run),
/// <c>summary.csv</c> (one row per grid point: each metric's mean, standard deviation and 95%
/// confidence interval) and a figure per plot, each file replaced whole.
/// </summary>
public static class SweepRunner
{
    public static SweepResult Run(SweepDefinition sweep, string outputDirectory, int parallelism, IProgress<int>? runsDone = null)
    {
        var runs = Path.Combine(outputDirectory, "runs");
        Directory.CreateDirectory(runs);
        RemoveInterruptedRuns(runs);

        var executed = 0;
        var resumed = 0;
        var done = 0;
        Parallel.ForEach(sweep.Runs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) }, run =>
        {
            var folder = Path.Combine(runs, run.Folder);
            if (Directory.Exists(folder))
            {
                Interlocked.Increment(ref resumed);
            }
            else
            {
                ScenarioRunner.Run(run.Scenario, folder);
                Interlocked.Increment(ref executed);
            }

            runsDone?.Report(Interlocked.Increment(ref done));
        });

        var metrics = SweepMetrics.Names(sweep.Runs[0].Scenario.Flows.Select(f => f.Name));
        var runMetrics = sweep.Runs.Select(run => SweepMetrics.Of(CsvTables.Read<FlowRow>(Path.Combine(runs, run.Folder, "flows.csv")))).ToList();
        var summaries = Enumerable.Range(0, sweep.Points)
            .Select(point => metrics.Select((_, m) => SweepSummary.Of([.. runMetrics.Skip(point * sweep.Seeds).Take(sweep.Seeds).Select(r => r[m])])).ToArray())
            .ToList();

        var files = new List<string> { "sweep.csv", "summary.csv" };
        Replace(Path.Combine(outputDirectory, "sweep.csv"), path => WriteRuns(path, sweep, metrics, runMetrics));
        Replace(Path.Combine(outputDirectory, "summary.csv"), path => WriteSummary(path, sweep, metrics, summaries));
        foreach (var spec in sweep.Plots)
        {
            var name = $"sweep-{spec.Metric}-vs-{FileSafe(spec.X)}";
            var plot = Plot(sweep, spec, metrics.ToList().IndexOf(spec.Metric), summaries);
            Replace(Path.Combine(outputDirectory, name + ".png"), png =>
                Replace(Path.Combine(outputDirectory, name + ".svg"), svg => SweepPlot.Save(plot, png, svg)));
            files.Add(name + ".png");
            files.Add(name + ".svg");
        }

        Replace(Path.Combine(outputDirectory, "report.html"), path => WriteReport(path, sweep, metrics, summaries, files, outputDirectory));
        files.Add("report.html");
        return new SweepResult(sweep, Path.GetFullPath(outputDirectory), files, executed, resumed, metrics, runMetrics, summaries);
    }

    /// <summary>Staging folders of runs cut short (ResultsDirectory's hidden .NAME.partial-*): they never became results.</summary>
    private static void RemoveInterruptedRuns(string runs)
    {
        foreach (var staging in Directory.EnumerateDirectories(runs, ".*.partial-*"))
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static void WriteRuns(string path, SweepDefinition sweep, IReadOnlyList<string> metrics, IReadOnlyList<double[]> runMetrics)
    {
        var header = new List<string> { "point" };
        header.AddRange(sweep.Parameters.Select(p => p.Path));
        header.Add("seed");
        header.AddRange(metrics);
        CsvTables.WriteTable(path, header, sweep.Runs.Select((run, i) =>
            (IReadOnlyList<string>)[Number(run.Point), .. run.Values, run.Seed.ToString(CultureInfo.InvariantCulture), .. runMetrics[i].Select(Number)]));
    }

    private static void WriteSummary(string path, SweepDefinition sweep, IReadOnlyList<string> metrics, IReadOnlyList<SweepSummary[]> summaries)
    {
        var header = new List<string> { "point" };
        header.AddRange(sweep.Parameters.Select(p => p.Path));
        header.Add("runs");
        foreach (var metric in metrics)
        {
            header.AddRange([$"{metric}_mean", $"{metric}_sd", $"{metric}_ci95_low", $"{metric}_ci95_high"]);
        }

        CsvTables.WriteTable(path, header, summaries.Select((point, p) =>
            (IReadOnlyList<string>)[
                Number(p),
                .. sweep.Runs[p * sweep.Seeds].Values,
                Number(sweep.Seeds),
                .. point.SelectMany(s => new[] { Number(s.Mean), Number(s.StandardDeviation), Number(s.Low), Number(s.High) }),
            ]));
    }

    /// <summary>report.html: each point's values with the common metrics as mean ± the 95% interval's half-width, then the figures.</summary>
    private static void WriteReport(string path, SweepDefinition sweep, IReadOnlyList<string> metrics, IReadOnlyList<SweepSummary[]> summaries,
        IReadOnlyList<string> files, string outputDirectory)
    {
        var shown = SweepMetrics.Common.Select(m => metrics.ToList().IndexOf(m)).ToList();
        var header = new List<string> { "point" };
        header.AddRange(sweep.Parameters.Select(p => p.Path));
        header.AddRange(SweepMetrics.Common.Select(m => $"{m} (mean ± 95% CI)"));
        var rows = summaries.Select((point, p) => (IReadOnlyList<string>)[
            Number(p),
            .. sweep.Runs[p * sweep.Seeds].Values,
            .. shown.Select(m => point[m].HalfWidth > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{point[m].Mean:G6} ± {point[m].HalfWidth:G3}")
                : point[m].Mean.ToString("G6", CultureInfo.InvariantCulture)),
        ]);
        var subtitle = $"{sweep.Points} points x {sweep.Seeds} seed(s) = {sweep.Runs.Count} runs; every run's results are under runs/, sweep.csv and summary.csv hold the numbers";
        HtmlReport.WriteSweep(path, sweep.Name, subtitle, header, rows, files, f => Path.Combine(outputDirectory, f));
    }

    /// <summary>The figure of <paramref name="spec"/>: one series per combination of the other parameters' values.</summary>
    private static ScottPlot.Plot Plot(SweepDefinition sweep, SweepPlotSpec spec, int metric, IReadOnlyList<SweepSummary[]> summaries)
    {
        var x = sweep.Parameters.ToList().FindIndex(p => p.Path == spec.X);
        var others = Enumerable.Range(0, sweep.Parameters.Count).Where(i => i != x).ToList();
        var lines = new SortedDictionary<string, List<(int, double, double)>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (var point = 0; point < sweep.Points; point++)
        {
            var run = sweep.Runs[point * sweep.Seeds];
            var label = string.Join(", ", others.Select(i => others.Count == 1 ? run.Values[i] : $"{sweep.Parameters[i].Path}={run.Values[i]}"));
            if (!lines.TryGetValue(label, out var points))
            {
                points = [];
                lines[label] = points;
                order.Add(label);
            }

            var summary = summaries[point][metric];
            points.Add((sweep.Parameters[x].Values.ToList().IndexOf(run.Values[x]), summary.Mean, summary.HalfWidth));
        }

        var series = order.Select(label => new SweepPlot.Series(label, lines[label])).ToList();
        var title = $"{sweep.Name}: {spec.Metric} against {spec.X} ({sweep.Seeds} seed{(sweep.Seeds == 1 ? string.Empty : "s")} per point)";
        return SweepPlot.Create(title, spec.X, sweep.Parameters[x].Values, spec.Metric, series);
    }

    /// <summary>Writes a file under a temporary name and moves it into place, so a reader never sees half of it.</summary>
    private static void Replace(string path, Action<string> write)
    {
        var partial = path + ".partial";
        write(partial);
        File.Move(partial, path, overwrite: true);
    }

    private static string Number(double value) => double.IsNaN(value) ? string.Empty : value.ToString("G10", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string FileSafe(string path) => new([.. path.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
