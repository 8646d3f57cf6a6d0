using NetSim.Reports;
using NetSim.Reports.Rows;
using NetSim.Scenarios.Model;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Scenarios.Tests;

/// <summary>The on/off and request/response applications as a scenario writes them, and their reports.</summary>
public sealed class ApplicationScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private const string OneLink = """
        name: t
        duration: 10s
        hosts: [a, b]
        links:
          - { between: [a, b], rate: 10Mbps, delay: 10ms }
        flows:
          - name: f
            from: a
            to: b
            app: APP
        """;

    private static Scenario Parse(string app) => ScenarioParser.Parse(OneLink.Replace("APP", app), "t.yaml");

    private static ScenarioException Fails(string app) => Assert.Throws<ScenarioException>(() => Parse(app));

    [Fact]
    public void PeriodsAreConstantsOrDistributions()
    {
        var onOff = Assert.IsType<OnOffApplicationSpec>(Parse(
            "{ type: onoff, on: 300ms, off: { distribution: pareto, mean: 2s, shape: 1.2 }, rate: 2Mbps }").Flows[0].App);

        Assert.Equal(PeriodDistribution.Fixed(SimTime.FromMilliseconds(300)), onOff.On);
        Assert.Equal(new PeriodDistribution(PeriodKind.Pareto, SimTime.FromSeconds(2), 1.2), onOff.Off);
        Assert.Equal(2_000_000, onOff.RateBitsPerSecond);
    }

    [Theory]
    [InlineData("{ type: onof, on: 1s, off: 1s }", "app.type", "did you mean 'onoff'?")]
    [InlineData("{ type: onoff, on: 1s }", "app.off", "missing required field")]
    [InlineData("{ type: onoff, on: 1s, off: { distribution: pareto, mean: 1s, shape: 1 } }", "app.off.shape", "above 1")]
    [InlineData("{ type: onoff, on: 1s, off: { distribution: exponentail, mean: 1s } }", "app.off.distribution", "did you mean 'exponential'?")]
    [InlineData("{ type: request_response, response: 10KB }", "app.request", "missing required field")]
    [InlineData("{ type: request_response, request: 1KB, response: 10KB, requests: 0 }", "app.requests", "positive")]
    public void BadApplicationsAreNamedAtTheirField(string app, string field, string problem)
    {
        var error = Fails(app);

        Assert.Equal($"flows[0].{field}", error.Field);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void RequestResponseFlowsWriteEachExchangeToRequestsCsv()
    {
        var result = ScenarioRunner.Run(Parse("{ type: request_response, request: 500B, response: 20KB, think: 100ms, requests: 4 }"), _temporary.Path);

        Assert.Contains("requests.csv", result.Files);
        var rows = CsvTables.Read<RequestRow>(Path.Combine(_temporary.Path, "requests.csv"));
        Assert.Equal([1, 2, 3, 4], rows.Select(r => r.Request));
        Assert.All(rows, r => Assert.Equal((500L, 20_000L), (r.RequestBytes, r.ResponseBytes)));

        // A request goes out 100 ms after the previous response completed.
        for (var i = 1; i < rows.Count; i++)
        {
            Assert.Equal(rows[i - 1].CompletedSeconds + 0.1m, rows[i].SentSeconds);
        }

        Assert.Equal(4 * 500, Assert.Single(result.Flows).BytesDelivered);
    }

    /// <summary>
    /// scenarios/fast-open.yaml: the first Fast Open connection only asks for the cookie, so it
    /// takes the handshake's round trip and the exchange's, as a plain one does; every later one
    /// carries its request in the SYN and has its response a round trip (100 ms) after it starts.
    /// </summary>
    [Fact]
    public void FastOpenSavesTheHandshakesRoundTripOnceTheCookieIsKnown()
    {
        ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("fast-open.yaml")), _temporary.Path);
        var rows = CsvTables.Read<RequestRow>(Path.Combine(_temporary.Path, "requests.csv")).ToDictionary(r => r.Flow);

        // Each flow starts on the second: fast-N at N - 1 s, plain-N half a second later.
        decimal FromStart(string flow, decimal start) => (rows[flow].CompletedSeconds - start) * 1000;
        Assert.InRange(FromStart("fast-1", 0), 200, 210);
        for (var n = 2; n <= 5; n++)
        {
            Assert.InRange(FromStart($"fast-{n}", n - 1), 100, 110);
            Assert.Equal(rows[$"fast-{n}"].SentSeconds, n - 1);
        }

        for (var n = 1; n <= 5; n++)
        {
            Assert.InRange(FromStart($"plain-{n}", n - 0.5m), 200, 210);
        }
    }
}
