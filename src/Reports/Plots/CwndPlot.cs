using NetSim.Reports.Rows;
using ScottPlot;

namespace NetSim.Reports.Plots;

/// <summary>
/// cwnd.png and cwnd.svg: each sender's congestion window over time as a step line, with
/// ssthresh as a thin grey step line, retransmissions as dots on the window, and retransmission timeouts as red
/// triangles along the time axis, so a reader sees where losses were repaired and how.
/// </summary>
public static class CwndPlot
{
    public const int Width = 1400;
    public const int Height = 650;

    /// <param name="mssByFlow">Each sender's segment size in use (after options), which cwnd_bytes counts in.</param>
    public static Plot Create(string title, IReadOnlyList<TimeseriesRow> series, IReadOnlyList<EventRow> events,
        IReadOnlyDictionary<string, int> mssByFlow, double durationSeconds)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("time (s)");
        var sizes = mssByFlow.Values.Distinct().ToList();
        plot.YLabel(sizes.Count == 1 ? $"segments of {sizes[0]} B" : "segments (each flow's MSS)");

        var palette = new ScottPlot.Palettes.Category10();
        var flows = series.Select(r => r.Flow).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < flows.Count; i++)
        {
            var flow = flows[i];
            var color = palette.GetColor(i);
            var rows = series.Where(r => r.Flow == flow).ToList();
            double mss = mssByFlow[flow];
            var times = rows.Select(r => (double)r.TimeSeconds).ToArray();
            var cwnd = rows.Select(r => r.CwndBytes / (double)mss).ToArray();

            var cwndLine = plot.Add.Scatter(times, cwnd, color);
            cwndLine.ConnectStyle = ConnectStyle.StepHorizontal;
            cwndLine.MarkerSize = 0;
            cwndLine.LineWidth = 1.5f;
            cwndLine.LegendText = flows.Count == 1 ? "cwnd" : $"{flow} cwnd";

            var withSsthresh = rows.Where(r => r.SsthreshBytes is not null).ToList();
            if (withSsthresh.Count > 0)
            {
                var ssthresh = plot.Add.Scatter(
                    withSsthresh.Select(r => (double)r.TimeSeconds).ToArray(),
                    withSsthresh.Select(r => r.SsthreshBytes!.Value / (double)mss).ToArray(),
                    flows.Count == 1 ? Colors.Gray : color.WithAlpha(0.45));
                ssthresh.ConnectStyle = ConnectStyle.StepHorizontal;
                ssthresh.MarkerSize = 0;
                ssthresh.LineWidth = 1;
                ssthresh.LegendText = flows.Count == 1 ? "ssthresh" : $"{flow} ssthresh";
            }

            // With several flows each one's retransmissions take its colour, so they can be told apart.
            AddEventMarkers(plot, events.Where(e => e.Flow == flow && e.Event == "retransmit").ToList(), times, cwnd,
                flows.Count == 1 ? Colors.DarkOrange : color, MarkerShape.FilledCircle, 5, flows.Count == 1 ? "retransmission" : $"{flow} retransmission");
            var rtos = events.Where(e => e.Flow == flow && e.Event == "rto").ToList();
            if (rtos.Count > 0)
            {
                var markers = plot.Add.Markers(
                    rtos.Select(e => (double)e.TimeSeconds).ToArray(),
                    rtos.Select(_ => 0.0).ToArray(),
                    MarkerShape.FilledTriangleUp,
                    11,
                    Colors.Red);
                markers.LegendText = $"RTO expiry ({rtos.Count})";
            }
        }

        plot.Axes.SetLimitsX(0, durationSeconds);
        plot.Axes.SetLimitsY(0, Math.Max(1, series.Count == 0 ? 1 : series.Max(r => r.CwndBytes / (double)mssByFlow[r.Flow])) * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    public static void Save(Plot plot, string pngPath, string svgPath)
    {
        plot.SavePng(pngPath, Width, Height);
        File.WriteAllText(svgPath, SvgIds.Normalise(plot.GetSvgXml(Width, Height)));
    }

    /// <summary>Places each event on the cwnd line in force at its time (the last change at or before it).</summary>
    private static void AddEventMarkers(Plot plot, List<EventRow> events, double[] times, double[] cwnd,
        Color color, MarkerShape shape, float size, string label)
    {
        if (events.Count == 0 || times.Length == 0)
        {
            return;
        }

        var xs = new double[events.Count];
        var ys = new double[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var t = (double)events[i].TimeSeconds;
            var index = Array.BinarySearch(times, t);
            if (index < 0)
            {
                index = Math.Max(0, ~index - 1);
            }

            xs[i] = t;
            ys[i] = cwnd[index];
        }

        var markers = plot.Add.Markers(xs, ys, shape, size, color);
        markers.LegendText = $"{label} ({events.Count})";
    }
}
