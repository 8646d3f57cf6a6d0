using NetSim.Reports.Rows;
using ScottPlot;

namespace NetSim.Reports.Plots;

/// <summary>
/// The run's figures over time besides cwnd: throughput.png (each flow's goodput per trace
/// interval), rtt.png (each sender's RTT samples as dots, its SRTT as a line and its RTO as a wide pale line),
/// queue.png (the length of every link queue that ever held a packet, as steps), and requests.png
/// (each request/response flow's exchanges completed and failed so far).
/// </summary>
public static class TimePlots
{
    public static Plot Throughput(string title, IReadOnlyList<ThroughputRow> rows, double durationSeconds)
    {
        var plot = Timeline(title, "goodput (Mbit/s)", durationSeconds);
        var palette = new ScottPlot.Palettes.Category10();
        var flows = rows.Select(r => r.Flow).Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < flows.Count; i++)
        {
            var flow = rows.Where(r => r.Flow == flows[i]).ToList();
            var line = plot.Add.Scatter(flow.Select(r => (double)r.TimeSeconds).ToArray(), flow.Select(r => (double)r.GoodputMbps).ToArray(), palette.GetColor(i));
            line.ConnectStyle = ConnectStyle.StepVertical;
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
            line.LegendText = flows[i];
        }

        plot.Axes.SetLimitsY(0, Math.Max(1, rows.Count == 0 ? 1 : (double)rows.Max(r => r.GoodputMbps)) * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <param name="senders">Each flow's sending host: its samples are the ones of the data direction.</param>
    public static Plot Rtt(string title, IReadOnlyList<RttRow> rows, IReadOnlyDictionary<string, string> senders, double durationSeconds)
    {
        var plot = Timeline(title, "milliseconds", durationSeconds);
        var palette = new ScottPlot.Palettes.Category10();
        var flows = senders.Keys.Order(StringComparer.Ordinal).ToList();
        var highest = 1.0;
        for (var i = 0; i < flows.Count; i++)
        {
            var samples = rows.Where(r => r.Flow == flows[i] && r.Host == senders[flows[i]]).ToList();
            if (samples.Count == 0)
            {
                continue;
            }

            var color = palette.GetColor(i);
            var times = samples.Select(r => (double)r.TimeSeconds).ToArray();
            var dots = plot.Add.Markers(times, samples.Select(r => (double)r.RttMilliseconds).ToArray(), MarkerShape.FilledCircle, 3, color.WithAlpha(0.5));
            dots.LegendText = $"{flows[i]} RTT samples";
            var srtt = plot.Add.Scatter(times, samples.Select(r => (double)r.SrttMilliseconds).ToArray(), color);
            srtt.MarkerSize = 0;
            srtt.LineWidth = 1.5f;
            srtt.LegendText = $"{flows[i]} SRTT";
            var rto = plot.Add.Scatter(times, samples.Select(r => (double)r.RtoMilliseconds).ToArray(), color.WithAlpha(0.45));
            rto.MarkerSize = 0;
            rto.LineWidth = 3;
            rto.LegendText = $"{flows[i]} RTO";
            highest = Math.Max(highest, samples.Max(r => (double)Math.Max(r.RtoMilliseconds, r.RttMilliseconds)));
        }

        plot.Axes.SetLimitsY(0, highest * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    public static Plot Queue(string title, IReadOnlyList<QueueRow> rows, double durationSeconds)
    {
        var plot = Timeline(title, "packets queued", durationSeconds);
        var palette = new ScottPlot.Palettes.Category10();
        var links = rows.Where(r => r.Packets > 0).Select(r => r.Link).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < links.Count; i++)
        {
            var link = rows.Where(r => r.Link == links[i]).ToList();
            var line = plot.Add.Scatter(link.Select(r => (double)r.TimeSeconds).ToArray(), link.Select(r => (double)r.Packets).ToArray(), palette.GetColor(i));
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LegendText = links[i];
        }

        plot.Axes.SetLimitsY(0, Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Packets)) * 1.1);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>
    /// requests.png: each flow's exchanges completed so far (a solid step line) and, where some
    /// failed, its failures so far from the first (dashed, in the flow's color), in the order of
    /// <paramref name="flows"/>.
    /// </summary>
    public static Plot Requests(string title, IReadOnlyList<RequestRow> completed, IReadOnlyList<RequestFailureRow> failed, IReadOnlyList<string> flows, double durationSeconds)
    {
        var plot = Timeline(title, "requests", durationSeconds);
        var palette = new ScottPlot.Palettes.Category10();
        var highest = 1;
        var shown = flows.Where(f => completed.Any(r => r.Flow == f) || failed.Any(r => r.Flow == f)).ToList();
        for (var i = 0; i < shown.Count; i++)
        {
            var color = palette.GetColor(i);
            // Flows that keep the same pace draw over each other: each is thinner than the one before.
            var width = Math.Max(1.5f, 2f * (shown.Count - i));
            var done = completed.Where(r => r.Flow == shown[i]).Select(r => (double)r.CompletedSeconds).Order().ToArray();
            highest = Math.Max(highest, Cumulative(plot, done, color, $"{shown[i]} completed", LinePattern.Solid, width, fromStart: true, durationSeconds));
            var lost = failed.Where(r => r.Flow == shown[i]).Select(r => (double)r.FailedSeconds).Order().ToArray();
            if (lost.Length > 0)
            {
                highest = Math.Max(highest, Cumulative(plot, lost, color, $"{shown[i]} failed", LinePattern.Dashed, 2, fromStart: false, durationSeconds));
            }
        }

        plot.Axes.SetLimitsY(0, highest * 1.1);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>
    /// A count that rises by one at each of <paramref name="times"/> and holds to the end of the
    /// run, drawn from 0 at its start or, <paramref name="fromStart"/> false, from the first rise;
    /// returns its last value.
    /// </summary>
    private static int Cumulative(Plot plot, double[] times, Color color, string legend, LinePattern pattern, float width, bool fromStart, double durationSeconds)
    {
        var origin = fromStart ? 1 : 0;
        var xs = new double[times.Length + origin + 1];
        var ys = new double[times.Length + origin + 1];
        for (var i = 0; i < times.Length; i++)
        {
            xs[i + origin] = times[i];
            ys[i + origin] = i + 1;
        }

        xs[^1] = Math.Max(durationSeconds, times.Length > 0 ? times[^1] : 0);
        ys[^1] = times.Length;
        var line = plot.Add.Scatter(xs, ys, color);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.MarkerSize = 0;
        line.LineWidth = width;
        line.LinePattern = pattern;
        line.LegendText = legend;
        return times.Length;
    }

    private static Plot Timeline(string title, string yLabel, double durationSeconds)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("time (s)");
        plot.YLabel(yLabel);
        plot.Axes.SetLimitsX(0, durationSeconds);
        return plot;
    }
}
