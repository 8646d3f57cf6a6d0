using System.Globalization;
using ScottPlot;

namespace NetSim.Reports.Plots;

/// <summary>
/// How the cost of a packet grows with the number of flows: wall time per link transmission
/// against flows on a logarithmic axis, with the band issue 8 allows (twice the cheapest case).
/// </summary>
public static class ScalingPlot
{
    public const int Width = 900;
    public const int Height = 550;

    public static Plot Create(string title, IReadOnlyList<(int Flows, double MicrosecondsPerPacket)> points)
    {
        if (points.Count == 0 || points.Any(p => p.Flows < 1))
        {
            throw new ArgumentException("a scaling figure needs cases with at least one flow each", nameof(points));
        }

        var ordered = points.OrderBy(p => p.Flows).ToArray();
        var xs = ordered.Select(p => Math.Log10(p.Flows)).ToArray();
        var ys = ordered.Select(p => p.MicrosecondsPerPacket).ToArray();

        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("flows");
        plot.YLabel("wall time per link transmission (µs)");

        var bound = plot.Add.HorizontalLine(2 * ys.Min());
        bound.LinePattern = LinePattern.Dashed;
        bound.Color = Colors.Gray;
        bound.LegendText = "twice the cheapest case";

        var line = plot.Add.Scatter(xs, ys);
        line.LineWidth = 2;
        line.MarkerSize = 8;
        line.LegendText = "measured";

        var decades = Enumerable.Range((int)Math.Floor(xs.Min()), (int)Math.Ceiling(xs.Max()) - (int)Math.Floor(xs.Min()) + 1).ToArray();
        plot.Axes.Bottom.SetTicks(
            [.. decades.Select(d => (double)d)],
            [.. decades.Select(d => Math.Pow(10, d).ToString("N0", CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsY(0, ys.Max() * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    public static void Save(Plot plot, string pngPath)
    {
        plot.SavePng(pngPath, Width, Height);
        File.WriteAllText(Path.ChangeExtension(pngPath, ".svg"), SvgIds.Normalise(plot.GetSvgXml(Width, Height)));
    }
}
