using ScottPlot;

namespace NetSim.Validation.Tests;

/// <summary>Where validations leave their figures: results/validation/NAME.png in the repository, so that a reader can see what was checked.</summary>
internal static class ValidationFigure
{
    private const int Width = 1100;
    private const int Height = 600;

    /// <summary>The repository's root, where NetSim.sln is.</summary>
    public static string Root { get; } = FindRoot();

    public static string Directory { get; } = Path.Combine(Root, "results", "validation");

    public static string Save(Plot plot, string name)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var path = Path.Combine(Directory, name + ".png");
        plot.SavePng(path, Width, Height);
        return path;
    }

    /// <summary>Goodput of every flow over time, in Mbit/s.</summary>
    public static Plot Goodput(string title, GoodputSeries series, IReadOnlyList<string>? labels = null)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel("goodput (Mbit/s)");
        var times = series.Times.ToArray();
        for (var i = 0; i < series.Flows.Count; i++)
        {
            var line = plot.Add.Scatter(times, series.Rates.Select(r => r[i] / 1e6).ToArray());
            line.MarkerSize = 0;
            line.LegendText = $"{labels?[i] ?? series.Flows[i]}: mean {series.Mean[i] / 1e6:0.00}";
        }

        plot.Axes.SetLimitsY(0, series.Rates.Max(r => r.Max()) / 1e6 * 1.15);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetSim.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("NetSim.sln not found above " + AppContext.BaseDirectory);
    }
}
