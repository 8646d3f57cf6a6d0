using System.Globalization;
using NetSim.Scenarios.Sweeps;

namespace NetSim.Scenarios.Tests;

/// <summary>Sweeps: a grid of scenario values times seeds, run in parallel, summarised with confidence intervals.</summary>
public sealed class SweepTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private const string Base = """
        name: small-sweep
        seed: 7
        duration: 3s
        defaults: { profile: linux, congestion: reno }
        hosts: [a, b]
        links:
          - { between: [a, b], rate: 10Mbps, delay: 10ms, queue: { type: droptail, packets: 20 }, loss: { forward: { type: bernoulli, p: 0 } } }
        flows:
          - { name: f, from: a, to: b, app: { type: bulk } }
        trace: []
        """;

    private string Write(string sweep, string scenario = Base)
    {
        Directory.CreateDirectory(_temporary.Path);
        var path = _temporary.Combine($"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, scenario + "\n" + sweep);
        return path;
    }

    private const string Grid = """
        sweep:
          seeds: 3
          parameters:
            links[0].loss.forward.p: [0, 2%]
            defaults.congestion: [reno, cubic]
        """;

    [Fact]
    public void TheGridIsEveryCombinationTimesTheSeedsWithEachValueInItsScenario()
    {
        var sweep = SweepParser.ParseFile(Write(Grid));

        Assert.Equal((4, 3, 12), (sweep.Points, sweep.Seeds, sweep.Runs.Count));
        var run = sweep.Runs[7];
        Assert.Equal((2, 8ul), (run.Point, run.Seed));
        Assert.Equal(["2%", "reno"], run.Values);
        Assert.Equal("reno", run.Scenario.Defaults.Congestion);
        Assert.Equal(0.02, Assert.IsType<Model.BernoulliSpec>(run.Scenario.Links[0].Forward.Loss).P, 9);
        Assert.Equal(["p000-seed7", "p000-seed8", "p000-seed9"], sweep.Runs.Take(3).Select(r => r.Folder));

        // Without plots: goodput and retransmissions against the first parameter, a series per value of the second.
        Assert.Equal(
            [new SweepPlotSpec(SweepMetrics.TotalGoodput, "links[0].loss.forward.p", "defaults.congestion"), new SweepPlotSpec(SweepMetrics.Retransmissions, "links[0].loss.forward.p", "defaults.congestion")],
            sweep.Plots);
    }

    [Theory]
    [InlineData("links[3].rate: [1Mbps]", "sweep.parameters.links[3].rate", "links has 1 items")]
    [InlineData("links[0].rate: 5Mbps", "sweep.parameters.links[0].rate", "expected a list of values")]
    [InlineData("links[0].rate: [5Mbps, fast]", "links[0].rate", "fast")]
    [InlineData("defaults.congestion: [reno, vega]", "defaults.congestion", "vegas")]
    public void ABadParameterOrValueIsReportedAtItsPlaceBeforeAnythingRuns(string parameter, string field, string message)
    {
        var path = Write($"sweep:\n  parameters:\n    {parameter}\n");

        var error = Assert.Throws<ScenarioException>(() => SweepParser.ParseFile(path));

        Assert.Equal(path, error.File);
        Assert.Equal(13, error.Line);
        Assert.Contains(field, error.Field, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunWritesEveryRunTheSummaryWithStudentTIntervalsAndTheFigures()
    {
        var sweep = SweepParser.ParseFile(Write(Grid));
        var output = _temporary.Combine("sweep");

        var result = SweepRunner.Run(sweep, output, parallelism: 2);

        Assert.Equal((12, 0), (result.Executed, result.Resumed));
        var rows = File.ReadAllLines(Path.Combine(output, "sweep.csv"));
        Assert.Equal("point,links[0].loss.forward.p,defaults.congestion,seed,total_goodput_mbps,jain_fairness,retransmissions,rto_count,f_goodput_mbps", rows[0]);
        Assert.Equal(13, rows.Length);

        // Point 3 (2% loss, cubic): the mean and interval from its three runs' goodputs, t(0.975, 2) = 4.302653.
        var goodputs = rows.Skip(1).Select(r => r.Split(',')).Where(f => f[0] == "3").Select(f => double.Parse(f[4], CultureInfo.InvariantCulture)).ToArray();
        var mean = goodputs.Average();
        var sd = Math.Sqrt(goodputs.Sum(g => (g - mean) * (g - mean)) / 2);
        var half = 4.302653 * sd / Math.Sqrt(3);
        var summary = File.ReadAllLines(Path.Combine(output, "summary.csv"));
        Assert.Equal(5, summary.Length);
        var point3 = summary[4].Split(',');
        Assert.Equal(["3", "2%", "cubic", "3"], point3[..4]);
        Assert.Equal(mean, double.Parse(point3[4], CultureInfo.InvariantCulture), 6);
        Assert.Equal(mean - half, double.Parse(point3[6], CultureInfo.InvariantCulture), 4);
        Assert.Equal(mean + half, double.Parse(point3[7], CultureInfo.InvariantCulture), 4);
        Assert.True(sd > 0, "seeds should differ under loss");

        // Loss costs Reno goodput; the figures exist.
        Assert.True(result.PointSummaries[2][0].Mean < result.PointSummaries[0][0].Mean);
        Assert.All(result.Files, f => Assert.True(File.Exists(Path.Combine(output, f)), f));
        Assert.Contains("sweep-total_goodput_mbps-vs-links_0__loss_forward_p.png", result.Files);
    }

    [Fact]
    public void TheSameSweepGivesTheSameBytesOnOneCoreOrTwoAndAResumeRedoesOnlyWhatIsMissing()
    {
        var sweep = SweepParser.ParseFile(Write(Grid));
        var parallel = _temporary.Combine("parallel");
        var serial = _temporary.Combine("serial");

        SweepRunner.Run(sweep, parallel, parallelism: 2);
        SweepRunner.Run(sweep, serial, parallelism: 1);

        Assert.Equal(File.ReadAllBytes(Path.Combine(serial, "sweep.csv")), File.ReadAllBytes(Path.Combine(parallel, "sweep.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(serial, "summary.csv")), File.ReadAllBytes(Path.Combine(parallel, "summary.csv")));

        // An interrupted sweep: one run never finished (its folder is missing, a staging folder is left).
        Directory.Delete(Path.Combine(parallel, "runs", "p002-seed8"), recursive: true);
        Directory.CreateDirectory(Path.Combine(parallel, "runs", ".p002-seed8.partial-0123"));
        var before = File.ReadAllBytes(Path.Combine(parallel, "sweep.csv"));

        var resumed = SweepRunner.Run(sweep, parallel, parallelism: 2);

        Assert.Equal((1, 11), (resumed.Executed, resumed.Resumed));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(parallel, "sweep.csv")));
        Assert.False(Directory.Exists(Path.Combine(parallel, "runs", ".p002-seed8.partial-0123")));
    }

    [Fact]
    public void ASweepsFiguresAndReportAreRedrawnFromSummaryCsvAndItsManifest()
    {
        var sweep = SweepParser.ParseFile(Write(Grid));
        var output = _temporary.Combine("replot");
        var result = SweepRunner.Run(sweep, output, parallelism: 2);
        var drawn = result.Files.Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".svg", StringComparison.Ordinal) || f == "report.html")
            .ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(output, f)));
        foreach (var file in drawn.Keys)
        {
            File.Delete(Path.Combine(output, file));
        }

        Assert.True(SweepManifest.Describes(output));
        var redrawn = SweepManifest.Replot(output);

        Assert.Equal(drawn.Keys.Order(StringComparer.Ordinal), redrawn.Order(StringComparer.Ordinal));
        Assert.All(drawn, d => Assert.Equal(d.Value, File.ReadAllBytes(Path.Combine(output, d.Key))));
    }

    [Fact]
    public void AScenarioWithoutASweepIsToldToRunInstead()
    {
        var error = Assert.Throws<ScenarioException>(() => SweepParser.ParseFile(Write(string.Empty)));

        Assert.Contains("no sweep section", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheExampleSweepShowsBbrHoldingUpUnderLossWhereRenoAndCubicFallAway()
    {
        var result = SweepRunner.Run(SweepParser.ParseFile(Repository.Scenario("sweep-loss-vs-cc.yaml")), _temporary.Combine("example"), Environment.ProcessorCount);

        double Goodput(string loss, string algorithm) =>
            result.PointSummaries[result.Sweep.Runs.First(r => r.Values[0] == loss && r.Values[1] == algorithm).Point][0].Mean;
        Assert.All(new[] { "reno", "cubic", "bbr" }, a => Assert.True(Goodput("0", a) > 9, $"{a} without loss: {Goodput("0", a):F2}"));
        Assert.True(Goodput("1%", "bbr") > 2 * Goodput("1%", "reno"), $"bbr {Goodput("1%", "bbr"):F2}, reno {Goodput("1%", "reno"):F2}");

        // Reno at 1% against the Mathis model, MSS / (RTT sqrt(2p/3)) = 3.55 Mbit/s, within 25%.
        Assert.InRange(Goodput("1%", "reno"), 0.75 * 3.55, 1.25 * 3.55);
    }
}
