using System.Text.Json;

namespace NetSim.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public void BenchTimesEachCaseInAProcessOfItsOwnAndPrintsItsFigures()
    {
        // bench/scenarios/s1-single-flow.yaml has a sweep: one case per point (NewReno and CUBIC).
        var (exit, output, errors) = Netsim.Run("bench", "bench/scenarios/s1-single-flow.yaml", "--repeat", "1", "--json");

        Assert.True(exit == 0, errors);
        using var json = JsonDocument.Parse(output);
        var cases = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["s1-single-flow rfc5681", "s1-single-flow cubic"], cases.Select(c => c.GetProperty("name").GetString()));
        Assert.All(cases, c =>
        {
            Assert.Equal(60, c.GetProperty("simulated_seconds").GetDouble());
            Assert.True(c.GetProperty("events").GetInt64() > 500_000);
            Assert.True(c.GetProperty("packets_forwarded").GetInt64() > 300_000);
            Assert.True(c.GetProperty("wall_seconds").GetDouble() > 0);
            Assert.True(c.GetProperty("peak_memory_bytes").GetInt64() > 10_000_000);
            Assert.True(c.GetProperty("bytes_delivered").GetInt64() > 100_000_000);
        });
    }

    [Fact]
    public void AMissingRunnerIsNamedWithTheCommandThatBuildsTheNativeOne()
    {
        var (exit, output, errors) = Netsim.Run("bench", "bench/scenarios/s1-single-flow.yaml", "--runner", "no-such-runner");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("--runner: no such file: " + Path.Combine(Netsim.RepositoryRoot, "no-such-runner"), errors);
        Assert.Contains("`dotnet publish src/NativeBench -c Release` builds the native runner at src/NativeBench/bin/native/netsim-bench-case", errors);
    }

    [Fact]
    public void ARunnerThatPrintsNoMeasurementFailsTheBench()
    {
        // /bin/echo prints its arguments, not a measurement.
        var (exit, _, errors) = Netsim.Run("bench", "bench/scenarios/s1-single-flow.yaml", "--runner", "/bin/echo");

        Assert.Equal(1, exit);
        Assert.Contains("bench failed: /bin/echo printed no measurement for bench/scenarios/s1-single-flow.yaml case 0", errors);
    }

    [Fact]
    public void APipedTableKeepsEachCaseOnOneLine()
    {
        var (exit, output, errors) = Netsim.Run("bench", "scenarios/quickstart.yaml", "--repeat", "1");

        Assert.True(exit == 0, errors);
        var row = Assert.Single(output.Split('\n'), line => line.Contains("quickstart", StringComparison.Ordinal) && !line.Contains("netsim bench", StringComparison.Ordinal));
        Assert.Matches(@"│ quickstart\s+│\s+1 │\s+[0-9.]+ │\s+35 │\s+[0-9,]+ │", row);
    }

    [Fact]
    public void AMissingScenarioIsNamedNotThrown()
    {
        var (exit, _, errors) = Netsim.Run("bench", "bench/scenarios/no-such-file.yaml");

        Assert.Equal(2, exit);
        Assert.Contains("no-such-file.yaml", errors);
        Assert.Contains("no such file", errors);
    }

    [Theory]
    [InlineData(new[] { "bench-case" }, "usage: netsim bench-case SCENARIO INDEX")]
    [InlineData(new[] { "bench-case", "bench/scenarios/s1-single-flow.yaml", "one" }, "usage: netsim bench-case SCENARIO INDEX")]
    [InlineData(new[] { "bench-case", "bench/scenarios/s1-single-flow.yaml", "0", "--repeat" }, "usage: netsim bench-case SCENARIO INDEX")]
    [InlineData(new[] { "bench-case", "bench/scenarios/s1-single-flow.yaml", "2" }, "has 2 benchmark case(s); there is no case 2")]
    [InlineData(new[] { "bench-case", "bench/scenarios/no-such-file.yaml", "0" }, "no-such-file.yaml:0:0: (file): no such file")]
    public void TheChildCommandRejectsWhatItCannotRun(string[] args, string message)
    {
        var (exit, output, errors) = Netsim.Run(args);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains(message, errors);
    }
}
