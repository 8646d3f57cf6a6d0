using System.Globalization;
using NetSim.Reports;
using NetSim.Reports.Plots;

namespace NetSim.Scenarios.Sweeps;

/// <summary>A sweep's figures (a metric against a parameter, with 95% intervals) and its report.html, each file replaced whole.</summary>
public static class SweepFigures
{
    /// <summary>Draws <paramref name="plots"/> and report.html into <paramref name="directory"/>; returns the file names, in order.</summary>
    public static List<string> Draw(SweepTable table, IReadOnlyList<SweepPlotSpec> plots, string directory, IReadOnlyList<string> tables)
    {
        var files = new List<string>();
        foreach (var spec in plots)
        {
            var name = $"sweep-{spec.Metric}-vs-{FileSafe(spec.X)}";
            var plot = Plot(table, spec);
            Replace(Path.Combine(directory, name + ".png"), png =>
                Replace(Path.Combine(directory, name + ".svg"), svg => SweepPlot.Save(plot, png, svg)));
            files.Add(name + ".png");
            files.Add(name + ".svg");
        }

        Replace(Path.Combine(directory, "report.html"), path => WriteReport(path, table, [.. tables, .. files], directory));
        files.Add("report.html");
        return files;
    }

    /// <summary>Writes a file under a temporary name and moves it into place, so a reader never sees half of it.</summary>
    public static void Replace(string path, Action<string> write)
    {
        var partial = path + ".partial";
        write(partial);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>report.html: each point's values with the common metrics as mean ± the 95% interval's half-width, then the figures.</summary>
    private static void WriteReport(string path, SweepTable table, IReadOnlyList<string> files, string directory)
    {
        var shown = SweepMetrics.Common.Select(m => table.Metrics.ToList().IndexOf(m)).ToList();
        var header = new List<string> { "point" };
        header.AddRange(table.Parameters.Select(p => p.Path));
        header.AddRange(SweepMetrics.Common.Select(m => $"{m} (mean ± 95% CI)"));
        var rows = table.Points.Select((point, p) => (IReadOnlyList<string>)[
            p.ToString(CultureInfo.InvariantCulture),
            .. point.Values,
            .. shown.Select(m => point.Summaries[m].HalfWidth > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{point.Summaries[m].Mean:G6} ± {point.Summaries[m].HalfWidth:G3}")
                : point.Summaries[m].Mean.ToString("G6", CultureInfo.InvariantCulture)),
        ]);
        var subtitle = $"{table.Points.Count} points x {table.Seeds} seed(s) = {table.Points.Count * table.Seeds} runs; every run's results are under runs/, sweep.csv and summary.csv hold the numbers";
        HtmlReport.WriteSweep(path, table.Name, subtitle, header, rows, files, f => Path.Combine(directory, f));
    }

    /// <summary>The figure of <paramref name="spec"/>: one series per combination of the other parameters' values.</summary>
    private static ScottPlot.Plot Plot(SweepTable table, SweepPlotSpec spec)
    {
        var metric = table.Metrics.ToList().IndexOf(spec.Metric);
        var x = table.Parameters.ToList().FindIndex(p => p.Path == spec.X);
        var others = Enumerable.Range(0, table.Parameters.Count).Where(i => i != x).ToList();
        var lines = new Dictionary<string, List<(int, double, double)>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (values, summaries) in table.Points)
        {
            var label = string.Join(", ", others.Select(i => others.Count == 1 ? values[i] : $"{table.Parameters[i].Path}={values[i]}"));
            if (!lines.TryGetValue(label, out var points))
            {
                points = [];
                lines[label] = points;
                order.Add(label);
            }

            points.Add((table.Parameters[x].Values.ToList().IndexOf(values[x]), summaries[metric].Mean, summaries[metric].HalfWidth));
        }

        var series = order.Select(label => new SweepPlot.Series(label, lines[label])).ToList();
        var title = $"{table.Name}: {spec.Metric} against {spec.X} ({table.Seeds} seed{(table.Seeds == 1 ? string.Empty : "s")} per point)";
        return SweepPlot.Create(title, spec.X, table.Parameters[x].Values, spec.Metric, series);
    }

    private static string FileSafe(string path) => new([.. path.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')]);
}
