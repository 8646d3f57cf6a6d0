using System.Globalization;
using NetSim.Reports.Rows;
using ScottPlot;

namespace NetSim.Reports.Plots;

/// <summary>
/// sockops.png and sockops.svg: each sender's congestion window over time (above zero) and,
/// below it, one lane per sock_ops op marking each invocation, with a last lane where a program
/// set callback flags (triangle up) or cleared them (triangle down), so a reader sees which
/// callbacks fired when and how the programs' decisions line up with the window.
/// </summary>
public static class SockOpsTimelinePlot
{
    private const string FlagsLane = "cb_flags set / cleared";

    public static Plot Create(string title, IReadOnlyList<SockOpsRow> invocations, IReadOnlyList<TimeseriesRow> series,
        IReadOnlyDictionary<string, int> mssByFlow, double durationSeconds)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel("cwnd (segments)   |   sock_ops callbacks");

        var flows = invocations.Select(r => r.Flow).Concat(series.Select(r => r.Flow)).Distinct(StringComparer.Ordinal).ToList();
        var maxCwnd = series.Count == 0 ? 10 : series.Max(r => r.CwndBytes / (double)mssByFlow.GetValueOrDefault(r.Flow, 1448));
        var lanes = invocations.Select(r => r.OpName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        lanes.Add(FlagsLane);
        var spacing = Math.Max(1, maxCwnd) / 10;
        double LaneY(string lane) => -spacing * (lanes.IndexOf(lane) + 1);

        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < flows.Count; i++)
        {
            var flow = flows[i];
            var color = palette.GetColor(i);
            var rows = series.Where(r => r.Flow == flow).ToList();
            if (rows.Count > 0)
            {
                double mss = mssByFlow.GetValueOrDefault(flow, 1448);
                var line = plot.Add.Scatter(rows.Select(r => (double)r.TimeSeconds).ToArray(), rows.Select(r => r.CwndBytes / mss).ToArray(), color);
                line.ConnectStyle = ConnectStyle.StepHorizontal;
                line.MarkerSize = 0;
                line.LegendText = $"{flow} cwnd";
            }

            var calls = invocations.Where(r => r.Flow == flow).ToList();
            if (calls.Count > 0)
            {
                var markers = plot.Add.Markers(calls.Select(r => (double)r.TimeSeconds).ToArray(), calls.Select(r => LaneY(r.OpName)).ToArray(),
                    MarkerShape.FilledCircle, 5, color);
                markers.LegendText = $"{flow} callbacks ({calls.Count})";
            }

            AddFlagChanges(plot, calls, LaneY(FlagsLane), color);
        }

        // Automatic ticks for the window, the op names for the lanes.
        var ticks = new List<Tick>();
        var step = NiceStep(Math.Max(1, maxCwnd));
        for (var y = 0.0; y <= maxCwnd * 1.1; y += step)
        {
            ticks.Add(new Tick(y, y.ToString("0", CultureInfo.InvariantCulture)));
        }

        ticks.AddRange(lanes.Select(lane => new Tick(LaneY(lane), lane.Replace("BPF_SOCK_OPS_", string.Empty, StringComparison.Ordinal))));
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.SetLimitsX(0, durationSeconds);
        plot.Axes.SetLimitsY(-spacing * (lanes.Count + 1), Math.Max(1, maxCwnd) * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    public static void Save(Plot plot, string pngPath, string svgPath)
    {
        plot.SavePng(pngPath, CwndPlot.Width, CwndPlot.Height);
        File.WriteAllText(svgPath, SvgIds.Normalise(plot.GetSvgXml(CwndPlot.Width, CwndPlot.Height)));
    }

    /// <summary>Where a program changed the flags: up when it set bits, down when it cleared some.</summary>
    private static void AddFlagChanges(Plot plot, List<SockOpsRow> calls, double laneY, Color color)
    {
        foreach (var (shape, set) in new[] { (MarkerShape.FilledTriangleUp, true), (MarkerShape.FilledTriangleDown, false) })
        {
            var changes = calls.Where(r => r.CallbackFlags != r.CallbackFlagsAfter && (Bits(r.CallbackFlagsAfter) & ~Bits(r.CallbackFlags)) != 0 == set).ToList();
            if (changes.Count > 0)
            {
                plot.Add.Markers(changes.Select(r => (double)r.TimeSeconds).ToArray(), changes.Select(_ => laneY).ToArray(), shape, 9, color);
            }
        }
    }

    private static int Bits(string flags) =>
        int.Parse(flags.StartsWith("0x", StringComparison.Ordinal) ? flags[2..] : flags, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    /// <summary>A round tick step giving about five ticks up to <paramref name="max"/>.</summary>
    private static double NiceStep(double max)
    {
        var raw = max / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var fraction = raw / magnitude;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
    }
}
