using NetSim.Reports;
using NetSim.Reports.Rows;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// scenarios/syn-flood.yaml: two clients fetching pages over new connections while forged SYNs
/// flood their listeners (backlog 128) from 5 s to 15 s, one listener with SYN cookies, one without.
/// </summary>
public sealed class SynFloodScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public void WithCookiesTheFetchesGoOnThroughTheFloodAndWithoutThemNoneCompletesAfterItStarts()
    {
        ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("syn-flood.yaml")), _temporary.Path);
        var completed = CsvTables.Read<RequestRow>(Path.Combine(_temporary.Path, "requests.csv"));
        var cookies = completed.Where(r => r.Flow == "cookies").ToList();
        var none = completed.Where(r => r.Flow == "no-cookies").ToList();

        // Before the flood both keep the same pace; through it only the listener with cookies serves.
        var before = cookies.Count(r => r.CompletedSeconds < 5m);
        Assert.InRange(none.Count, before - 1, before + 1);
        Assert.All(none, r => Assert.True(r.CompletedSeconds < 5.1m, $"no-cookies fetch {r.Request} completed at {r.CompletedSeconds} s"));
        var during = cookies.Count(r => r.SentSeconds is > 5m and < 15m);
        Assert.InRange(during, 2 * before - 2, 2 * before + 2);

        // The forged SYNs beyond the backlog (129 get requests) were answered with cookies or
        // dropped. The flood's requests keep the queue full after it ends, so every connection the
        // client opened from 5 s on came back from a cookie.
        var server = CsvTables.Read<HostRow>(Path.Combine(_temporary.Path, "hosts.csv")).Single(h => h.Host == "server");
        var afterStart = cookies.Count(r => r.SentSeconds > 5m);
        Assert.InRange(server.SynCookiesSent, 20_000 - 129 + afterStart, 20_000 - 129 + afterStart + 1);
        Assert.InRange(server.SynCookiesReceived, afterStart, afterStart + 1);
        Assert.Equal(0L, server.SynCookiesFailed);
        Assert.True(server.RequestQueueDrops > 20_000 - 129, $"{server.RequestQueueDrops} SYNs dropped");

        // A flood's own row counts nothing: it opens no connection.
        var flows = CsvTables.Read<FlowRow>(Path.Combine(_temporary.Path, "flows.csv")).ToDictionary(f => f.Flow);
        Assert.Equal((0L, 0L), (flows["flood1"].BytesDelivered, flows["flood1"].SegmentsSent));
    }
}
