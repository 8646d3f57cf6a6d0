using NetSim.Reports.Plots;
using NetSim.Reports.Rows;

namespace NetSim.Reports.Tests;

public class CwndPlotTests
{
    [Fact]
    public void CwndIsDrawnInSegmentsOfTheSendersActualMss()
    {
        // With timestamps a Linux sender's segments carry 1448 bytes: 41 of them must plot as 41, not 40.7.
        var series = new List<TimeseriesRow> { new(0.1m, "bulk", 41 * 1448, null, 40m, 241m, 0) };

        var plot = CwndPlot.Create("t", series, [], new Dictionary<string, int> { ["bulk"] = 1448 }, 1);

        Assert.Equal("segments of 1448 B", plot.Axes.Left.Label.Text);
        Assert.Equal(41 * 1.1, plot.Axes.GetLimits().Top, 9);
    }

    [Fact]
    public void FlowsWithDifferentSegmentSizesAreEachDrawnInTheirOwn()
    {
        var series = new List<TimeseriesRow>
        {
            new(0.1m, "a", 10 * 1448, null, 40m, 241m, 0),
            new(0.1m, "b", 30 * 1460, null, 40m, 241m, 0),
        };

        var plot = CwndPlot.Create("t", series, [], new Dictionary<string, int> { ["a"] = 1448, ["b"] = 1460 }, 1);

        Assert.Equal("segments (each flow's MSS)", plot.Axes.Left.Label.Text);
        Assert.Equal(30 * 1.1, plot.Axes.GetLimits().Top, 9);
    }
}
