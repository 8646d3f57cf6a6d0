using NetSim.Reports.Plots;
using ScottPlot.Plottables;

namespace NetSim.Reports.Tests;

public class SweepPlotTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(12)]
    public void EveryLineHasAColourOfItsOwn(int lines)
    {
        var series = Enumerable.Range(0, lines)
            .Select(i => new SweepPlot.Series($"algorithm {i}", [(0, i, 0.5), (1, i + 1, 0.5)]))
            .ToList();

        var plot = SweepPlot.Create("t", "loss", ["0", "0.1%"], "goodput", series);

        var colours = plot.GetPlottables().OfType<Scatter>().Select(s => s.Color).ToList();
        Assert.Equal(lines, colours.Count);
        Assert.Equal(lines, colours.Distinct().Count());
    }
}
