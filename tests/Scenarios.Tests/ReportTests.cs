using System.Globalization;
using NetSim.Reports;

namespace NetSim.Scenarios.Tests;

/// <summary>The run's figures, report.html and throughput.csv, and netsim plot's redrawing from the CSV files alone.</summary>
public sealed class ReportTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private const string Scenario = """
        name: report
        duration: 10s
        trace: [cwnd, rtt, queue, throughput, sockops]
        trace_interval: 250ms
        hosts: [a, b]
        links: [{ between: [a, b], rate: 10Mbps, delay: 20ms, queue: { type: droptail, packets: 50 } }]
        flows: [{ name: f, from: a, to: b, app: { type: bulk } }]
        sockops: [{ program: "builtin:watch", attach: { hosts: [a] }, params: { flags: [RTT] } }]
        """;

    [Fact]
    public void NetsimPlotRedrawsTheSameFiguresFromTheCsvFilesAlone()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(Scenario, "report.yaml"), _temporary.Combine("run"));
        var figures = new[] { "cwnd", "sockops", "throughput", "rtt", "queue" }.SelectMany(f => new[] { f + ".png", f + ".svg" }).ToList();
        Assert.All(figures, f => Assert.Contains(f, result.Files));
        var drawn = figures.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(result.OutputDirectory, f)));
        var report = File.ReadAllText(Path.Combine(result.OutputDirectory, "report.html"));
        foreach (var figure in figures)
        {
            File.Delete(Path.Combine(result.OutputDirectory, figure));
        }

        var redrawn = Replot.Run(result.OutputDirectory);

        Assert.Equal([.. figures, "report.html"], redrawn);
        Assert.All(figures, f => Assert.Equal(drawn[f], File.ReadAllBytes(Path.Combine(result.OutputDirectory, f))));
        Assert.Equal(report, File.ReadAllText(Path.Combine(result.OutputDirectory, "report.html")));
        Assert.Empty(Directory.EnumerateDirectories(result.OutputDirectory));
    }

    [Fact]
    public void TheReportIsOnePageWithTheTablesAndEveryFigureInside()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(Scenario, "report.yaml"), _temporary.Combine("run"));
        var report = File.ReadAllText(Path.Combine(result.OutputDirectory, "report.html"));

        Assert.StartsWith("<!DOCTYPE html>", report, StringComparison.Ordinal);
        Assert.Contains("<td>f</td><td>a</td><td>b</td>", report, StringComparison.Ordinal);
        Assert.Contains("<td>a-&gt;b</td>", report, StringComparison.Ordinal);
        Assert.Equal(5, report.Split("data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("http", report, StringComparison.Ordinal);
    }

    [Fact]
    public void ThroughputIsSampledEveryTraceIntervalAndAddsUpToWhatWasDelivered()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(Scenario, "report.yaml"), _temporary.Combine("run"));
        var rows = File.ReadAllLines(Path.Combine(result.OutputDirectory, "throughput.csv")).Skip(1).Select(l => l.Split(',')).ToList();

        // 40 intervals of 250 ms; their goodputs times 0.25 s are the bytes the receiver got.
        Assert.Equal(40, rows.Count);
        Assert.Equal("0.25", rows[0][0]);
        var bits = rows.Sum(r => double.Parse(r[2], CultureInfo.InvariantCulture) * 1e6 * 0.25);
        Assert.Equal(Assert.Single(result.Flows).BytesDelivered * 8, bits, 1);
        Assert.All(rows.Skip(8), r => Assert.InRange(double.Parse(r[2], CultureInfo.InvariantCulture), 8.5, 10));
    }

    [Fact]
    public void ATraceIntervalBeyondTheDurationIsRefused()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(Scenario.Replace("trace_interval: 250ms", "trace_interval: 1min", StringComparison.Ordinal), "report.yaml"));

        Assert.Equal("trace_interval", error.Field);
    }
}
