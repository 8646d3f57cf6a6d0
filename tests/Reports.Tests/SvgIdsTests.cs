using NetSim.Reports.Plots;

namespace NetSim.Reports.Tests;

public class SvgIdsTests
{
    [Fact]
    public void ClipPathIdsAreRenumberedInDocumentOrder()
    {
        const string svg = """<clipPath id="cl_a"/><g clip-path="url(#cl_a)"/><clipPath id="cl_1f"/><g clip-path="url(#cl_1f)"/>""";

        Assert.Equal(
            """<clipPath id="cl_1"/><g clip-path="url(#cl_1)"/><clipPath id="cl_2"/><g clip-path="url(#cl_2)"/>""",
            SvgIds.Normalise(svg));
    }

    [Fact]
    public void TheSameFigureDrawnTwiceInOneProcessGivesTheSameSvg()
    {
        static string Draw()
        {
            var plot = new ScottPlot.Plot();
            plot.Add.Scatter(new double[] { 0, 1, 2 }, new double[] { 1, 3, 2 });
            return SvgIds.Normalise(plot.GetSvgXml(400, 300));
        }

        Assert.Equal(Draw(), Draw());
    }
}
