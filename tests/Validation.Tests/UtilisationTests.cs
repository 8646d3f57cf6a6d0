using NetSim.Sim.Kernel;
using ScottPlot;
using Xunit.Abstractions;

namespace NetSim.Validation.Tests;

/// <summary>
/// A single Reno flow keeps its bottleneck busy when the buffer holds a bandwidth-delay product:
/// the window halves from 2 BDP to 1 BDP and the queue drains just as the pipe would run dry
/// (Villamizar and Song 1994, the rule of thumb). With a smaller buffer B the window saws between
/// (BDP + B) / 2 and BDP + B and the link idles while it is below BDP; the fluid model of that saw
/// gives the utilisation drawn beside the measurements.
/// </summary>
[Trait("Category", "Validation")]
public sealed class UtilisationTests(ITestOutputHelper output)
{
    /// <summary>100 Mbit/s for 40 ms in 1500-byte packets.</summary>
    private const int BdpPackets = 333;

    [Fact]
    public void ABufferOfOneBdpKeepsTheLinkAbove98PercentBusy()
    {
        var utilisation = Utilisation(1.0);
        output.WriteLine($"buffer 1 BDP: utilisation {utilisation:P2}");

        Assert.True(utilisation > 0.98, $"utilisation {utilisation:P2}");
    }

    [Fact]
    public void ABufferOfATenthOfABdpLeavesTheLinkIdlePartOfEachCycle()
    {
        var utilisation = Utilisation(0.1);
        var model = FluidModel(0.1);
        output.WriteLine($"buffer 0.1 BDP: utilisation {utilisation:P2}, fluid model {model:P2}");

        Assert.True(utilisation < 0.92, $"utilisation {utilisation:P2}");
        Assert.InRange(utilisation, model - 0.05, model + 0.05);
    }

    [Fact]
    public void TheFigureShowsUtilisationAgainstBufferSizeWithTheFluidModel()
    {
        double[] buffers = [0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5];
        var measured = buffers.Select(Utilisation).ToArray();
        var plot = new Plot();
        plot.Title("One Reno flow, 100 Mbit/s, RTT 40 ms: bottleneck utilisation against buffer size");
        plot.XLabel("buffer (bandwidth-delay products)");
        plot.YLabel("utilisation (%)");
        var grid = Enumerable.Range(1, 150).Select(i => i / 100.0).ToArray();
        var model = plot.Add.Scatter(grid, grid.Select(b => FluidModel(b) * 100).ToArray(), Colors.Gray);
        model.MarkerSize = 0;
        model.LineWidth = 2;
        model.LegendText = "fluid model of the Reno saw";
        var points = plot.Add.Markers(buffers, measured.Select(u => u * 100).ToArray(), MarkerShape.FilledCircle, 9, Colors.Blue);
        points.LegendText = "NetSim (Linux Reno, SACK)";
        plot.ShowLegend(Alignment.LowerRight);
        ValidationFigure.Save(plot, "utilisation");

        // More buffer never means a less busy link.
        Assert.All(measured.Zip(measured.Skip(1)), pair => Assert.True(pair.Second >= pair.First - 0.005, $"{pair.First:P2} then {pair.Second:P2}"));
    }

    /// <summary>
    /// The window W grows one segment per RTT from W_m / 2 to W_m = BDP + B. Below BDP the RTT is
    /// the base RTT; above it, the queue stretches the RTT to W / C. Utilisation is the segments
    /// sent in a cycle over what the link could have sent in its duration.
    /// </summary>
    private static double FluidModel(double bufferBdps)
    {
        const double p = 1.0;
        var wm = p + bufferBdps;
        var sent = ((wm * wm) - (wm * wm / 4)) / 2;
        var capacity = (p * Math.Max(0, Math.Min(p, wm) - (wm / 2))) + (((wm * wm) - Math.Pow(Math.Max(p, wm / 2), 2)) / 2);
        return sent / capacity;
    }

    private static double Utilisation(double bufferBdps)
    {
        var run = new ValidationRun($$"""
            name: utilisation
            seed: 1
            duration: 80s
            defaults: { profile: linux, congestion: reno, receive_buffer: 16MiB, send_buffer: 16MiB }
            hosts: [sender, receiver]
            links:
              - between: [sender, receiver]
                rate: 100Mbps
                delay: 20ms
                queue: { type: droptail, packets: {{(int)Math.Round(bufferBdps * BdpPackets)}} }
            flows:
              - { name: bulk, from: sender, to: receiver, app: { type: bulk } }
            """, "utilisation");
        var channel = run.Channel("sender-receiver", "sender");
        var from = SimTime.FromSeconds(20);
        var to = SimTime.FromSeconds(80);
        run.RunUntil(from);
        var busyBefore = channel.Statistics.BusyNanoseconds;
        run.RunUntil(to);
        return (channel.Statistics.BusyNanoseconds - busyBefore) / (double)(to - from).Nanoseconds;
    }
}
