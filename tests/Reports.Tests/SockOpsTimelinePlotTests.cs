using NetSim.Reports.Plots;
using NetSim.Reports.Rows;
using ScottPlot;

namespace NetSim.Reports.Tests;

public class SockOpsTimelinePlotTests
{
    private static SockOpsRow Call(decimal time, string op, string before, string after) =>
        new(time, "bulk", "client", 0, op, "0 0 0", before, 0, 0, after, 1, "host:client", string.Empty, string.Empty);

    [Fact]
    public void EachOpHasALaneBelowTheWindowAndFlagChangesAreMarked()
    {
        var calls = new List<SockOpsRow>
        {
            Call(0.1m, "BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB", "0x0", "0x8"),
            Call(0.2m, "BPF_SOCK_OPS_RTT_CB", "0x8", "0x8"),
            Call(0.3m, "BPF_SOCK_OPS_RTT_CB", "0x8", "0x0"),
        };
        var series = new List<TimeseriesRow> { new(0.1m, "bulk", 20 * 1448, null, 40m, 241m, 0) };

        var plot = SockOpsTimelinePlot.Create("t", calls, series, new Dictionary<string, int> { ["bulk"] = 1448 }, 1);

        plot.GetImageBytes(800, 600, ImageFormat.Png);
        var labels = plot.Axes.Left.TickGenerator.Ticks.Select(t => t.Label).ToList();
        Assert.Contains("ACTIVE_ESTABLISHED_CB", labels);
        Assert.Contains("RTT_CB", labels);
        Assert.Contains("cb_flags set / cleared", labels);

        // The window, the callbacks, one flag set (up) and one cleared (down).
        var markers = plot.GetPlottables().OfType<ScottPlot.Plottables.Markers>().ToList();
        Assert.Equal(3, markers.Count);
        Assert.Equal(3, markers[0].Data.GetScatterPoints().Count);
        Assert.Equal([MarkerShape.FilledTriangleUp, MarkerShape.FilledTriangleDown], markers.Skip(1).Select(m => m.MarkerStyle.Shape));
        Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
    }
}
