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
        var wall = System.Diagnostics.Stopwatch.StartNew();
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
        var table = SweepTable.Of(sweep, metrics, summaries);
        SweepFigures.Replace(Path.Combine(outputDirectory, "sweep.csv"), path => WriteRuns(path, sweep, metrics, runMetrics));
        SweepFigures.Replace(Path.Combine(outputDirectory, "summary.csv"), table.Write);
        files.AddRange(SweepFigures.Draw(table, sweep.Plots, outputDirectory, files));
        SweepFigures.Replace(Path.Combine(outputDirectory, "manifest.json"), path => SweepManifest.Write(path, sweep, executed, resumed, wall.Elapsed));
        files.Add("manifest.json");
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
            (IReadOnlyList<string>)[Number(run.Point), .. run.Values, run.Seed.ToString(CultureInfo.InvariantCulture), .. runMetrics[i].Select(SweepTable.Number)]));
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
