using Xunit.Abstractions;
using NetSim.Sim.Kernel;
using ScottPlot;

namespace NetSim.Validation.Tests;

/// <summary>
/// Mathis, Semke, Mahdavi and Ott, "The Macroscopic Behavior of the TCP Congestion Avoidance
/// Algorithm" (CCR 1997): with one loss every 1/p packets and no timeouts, Reno's window saws
/// between W/2 and W and its throughput is (MSS / RTT) * C / sqrt(p), where C = sqrt(3/2) when every
/// segment is acknowledged and sqrt(3/4) when an ACK covers two segments and counts once (the
/// window then grows one segment every second RTT). The path has ample capacity and buffer, so the
/// losses alone shape the window, as the model assumes.
/// </summary>
[Trait("Category", "Validation")]
public sealed class MathisModelTests(ITestOutputHelper output)
{
    private const double RttSeconds = LossyPath.RttSeconds;
    private const int SegmentBytes = LossyPath.SegmentBytes;

    public static TheoryData<double, bool> Points { get; } = new()
    {
        { 0.0001, true },
        { 0.001, true },
        { 0.01, true },
        { 0.0001, false },
        { 0.001, false },
        { 0.01, false },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void RenoUnderPeriodicLossIsWithinTenPercentOfTheModel(double p, bool ackEverySegment)
    {
        var measured = PeriodicLossGoodput(p, ackEverySegment);
        var predicted = Predicted(p, ackEverySegment);
        output.WriteLine($"p = {p}: measured {measured / 1e6:F3} Mbit/s, model {predicted / 1e6:F3} Mbit/s, ratio {measured / predicted:F3}");

        Assert.InRange(measured / predicted, 1 - Tolerance(p), 1 + Tolerance(p));
    }

    [Theory]
    [InlineData(0.002)]
    [InlineData(0.005)]
    [InlineData(0.01)]
    [InlineData(0.02)]
    public void RenoUnderRandomLossIsWithinFifteenPercentOfTheModel(double p)
    {
        // Random loss adds what the model leaves out (uneven epochs, a retransmission lost now and
        // then) and grows with p: the bound is wider than for periodic loss. Linux counts every
        // segment an ACK covers, so delayed ACKs leave C = sqrt(3/2).
        var measured = Goodput(Scenario($"type: bernoulli, p: {p}", ackEverySegment: false, byteCounting: true), 300);
        var predicted = SegmentBytes * 8 / RttSeconds * Math.Sqrt(1.5) / Math.Sqrt(p);
        output.WriteLine($"p = {p}: measured {measured / 1e6:F3} Mbit/s, model {predicted / 1e6:F3} Mbit/s, ratio {measured / predicted:F3}");

        Assert.InRange(measured / predicted, 0.85, 1.15);
    }

    /// <summary>Draws the model's two lines and the measured points; runs the whole grid again, so it is a test of its own.</summary>
    [Fact]
    public void TheFigureShowsBothAckModesAgainstTheModel()
    {
        var plot = new Plot();
        plot.Title("Reno under periodic loss vs. Mathis et al. (RTT 40 ms, MSS 1448 B)");
        plot.XLabel("loss rate p (log10)");
        plot.YLabel("goodput (Mbit/s, log10)");
        double[] grid = [0.0001, 0.0003, 0.001, 0.003, 0.01];
        foreach (var (every, label, color) in new[] { (true, "ACK every segment, C = sqrt(3/2)", Colors.Blue), (false, "delayed ACK counted once, C = sqrt(3/4)", Colors.OrangeRed) })
        {
            var model = plot.Add.Scatter(grid.Select(Math.Log10).ToArray(), grid.Select(p => Math.Log10(Predicted(p, every) / 1e6)).ToArray(), color);
            model.MarkerSize = 0;
            model.LinePattern = LinePattern.Dashed;
            model.LegendText = "model, " + label;
            var measured = grid.Select(p => Math.Log10(PeriodicLossGoodput(p, every) / 1e6)).ToArray();
            var points = plot.Add.Markers(grid.Select(Math.Log10).ToArray(), measured, MarkerShape.FilledCircle, 9, color);
            points.LegendText = "NetSim, " + label;
            Assert.All(measured.Zip(grid), m => Assert.InRange(Math.Pow(10, m.First) * 1e6 / Predicted(m.Second, every), 1 - Tolerance(m.Second), 1 + Tolerance(m.Second)));
        }

        plot.ShowLegend(Alignment.UpperRight);
        Assert.True(File.Exists(ValidationFigure.Save(plot, "mathis")));
    }

    /// <summary>
    /// 10% while the window is large (p at most 0.1%: W of 50 segments and more). The model is
    /// continuous: it leaves out the round in which fast recovery halves the window and counts the
    /// saw's ends as one, which cost two rounds of about W/2 + 2 per epoch. At p = 1% the window saws
    /// between 7 and 15 segments and that is 11 to 13% of the epoch, so there the bound is 15%.
    /// </summary>
    private static double Tolerance(double p) => p <= 0.001 ? 0.10 : 0.15;

    private static double Predicted(double p, bool ackEverySegment) =>
        SegmentBytes * 8 / RttSeconds * Math.Sqrt(ackEverySegment ? 1.5 : 0.75) / Math.Sqrt(p);

    private static double PeriodicLossGoodput(double p, bool ackEverySegment)
    {
        // Enough loss epochs to average over: an epoch lasts W/2 RTTs (W RTTs with delayed ACKs), W = sqrt(8 / 3p).
        var epochSeconds = Math.Sqrt(8 / (3 * p)) * (ackEverySegment ? 0.5 : 1) * RttSeconds;
        var seconds = Math.Max(60, 25 * epochSeconds);
        return Goodput(Scenario($"type: periodic, p: {p}", ackEverySegment, byteCounting: false), seconds);
    }

    private static string Scenario(string loss, bool ackEverySegment, bool byteCounting) => LossyPath.Scenario("mathis", 1000, loss, $"""
          ack_every_segment: {(ackEverySegment ? "true" : "false")}
          byte_counting: {(byteCounting ? "true" : "false")}
        """);

    /// <summary>Goodput over the run after a warm-up of a fifth of it, so the slow-start overshoot is left out.</summary>
    private static double Goodput(string yaml, double seconds)
    {
        var run = new ValidationRun(yaml, "mathis");
        var series = run.MeasureGoodput(SimTime.FromSeconds(seconds / 5), SimTime.FromSeconds(seconds), SimTime.FromSeconds(seconds / 50));
        return series.Mean[0];
    }
}
