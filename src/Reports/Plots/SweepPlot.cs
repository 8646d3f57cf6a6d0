using ScottPlot;

namespace NetSim.Reports.Plots;

/// <summary>
/// A sweep's figure: a metric's mean at each value of a swept parameter, with its 95% confidence
/// interval as error bars, one line per series (another parameter's value). A numeric parameter
/// is placed by value; any other by position, labelled with its values.
/// </summary>
public static class SweepPlot
{
    public const int Width = 1000;
    public const int Height = 600;

    /// <summary>One line: its legend, and for each x position the mean and the half-width of its interval.</summary>
    public sealed record Series(string Label, IReadOnlyList<(int Position, double Mean, double HalfWidth)> Points);

    public static Plot Create(string title, string xLabel, IReadOnlyList<string> xValues, string metric, IReadOnlyList<Series> series)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel($"{metric} (mean, 95% CI)");
        var numeric = xValues.Select(Numeric).ToList();
        var byValue = numeric.All(v => v is not null);
        double X(int position) => byValue ? numeric[position]!.Value : position;

        // Ten colours tell ten lines apart; past ten, twenty (each hue dark and light).
        IPalette palette = series.Count <= 10 ? new ScottPlot.Palettes.Category10() : new ScottPlot.Palettes.Category20();
        for (var i = 0; i < series.Count; i++)
        {
            var color = palette.GetColor(i);
            var xs = series[i].Points.Select(p => X(p.Position)).ToArray();
            var ys = series[i].Points.Select(p => p.Mean).ToArray();
            var line = plot.Add.Scatter(xs, ys, color);
            line.LineWidth = 1.5f;
            line.MarkerSize = 7;
            line.LegendText = series[i].Label;
            var bars = plot.Add.ErrorBar(xs, ys, series[i].Points.Select(p => p.HalfWidth).ToArray());
            bars.Color = color;
        }

        if (!byValue)
        {
            plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, xValues.Count).Select(i => (double)i)], [.. xValues]);
        }

        if (series.Count > 1 || series[0].Label.Length > 0)
        {
            plot.ShowLegend(Alignment.UpperRight);
        }

        return plot;
    }

    public static void Save(Plot plot, string pngPath, string svgPath)
    {
        plot.SavePng(pngPath, Width, Height);
        File.WriteAllText(svgPath, SvgIds.Normalise(plot.GetSvgXml(Width, Height)));
    }

    /// <summary>A parameter value as a number: plain, or a percentage ("1%" is 0.01).</summary>
    private static double? Numeric(string text)
    {
        var style = System.Globalization.NumberStyles.Float;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (text.EndsWith('%') && double.TryParse(text[..^1], style, culture, out var percent))
        {
            return percent / 100;
        }

        return double.TryParse(text, style, culture, out var value) ? value : null;
    }
}
