using NetSim.Reports;
using NetSim.Reports.Rows;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// scenarios/listen-overflow.yaml: 200 connections at once to each of two listeners with backlog
/// 16, one with SYN cookies (tcp_syncookies 1) and one without (0).
/// </summary>
public sealed class ListenOverflowScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public void WithCookiesTheWholeBurstIsServedAtOnceAndWithoutThemSeventeenGetInPerSynTimeout()
    {
        ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("listen-overflow.yaml")), _temporary.Path);
        var completed = CsvTables.Read<RequestRow>(Path.Combine(_temporary.Path, "requests.csv"));
        var cookies = completed.Where(r => r.Flow == "syn-cookies").ToList();
        var none = completed.Where(r => r.Flow == "no-cookies").ToList();

        // 17 SYNs make requests (full only beyond the backlog), 183 get cookies; all open in one round trip.
        Assert.Equal(200, cookies.Count);
        Assert.All(cookies, r => Assert.InRange(r.SentSeconds, 0.050m, 0.051m));
        Assert.Equal(Enumerable.Range(1, 200), cookies.Select(r => r.Request));

        // Without cookies each SYN timeout lets the next 17 in: 1 s apart five times, then doubling.
        var rounds = none.GroupBy(r => Math.Round(r.SentSeconds - 0.05m)).Select(g => (Second: g.Key, Count: g.Count())).ToList();
        Assert.Equal([(0m, 17), (1m, 17), (2m, 17), (3m, 17), (4m, 17), (5m, 17), (7m, 17), (11m, 17), (19m, 17)], rounds);

        var server = CsvTables.Read<HostRow>(Path.Combine(_temporary.Path, "hosts.csv")).Single(h => h.Host == "server");
        Assert.Equal((183L, 183L, 0L), (server.SynCookiesSent, server.SynCookiesReceived, server.SynCookiesFailed));
        Assert.Equal(200L + none.Count, server.PassiveOpens);
        Assert.Equal(0L, server.ListenOverflows);

        // Each round drops all but 17 of the SYNs still waiting: 183 in the first, 17 fewer in each after.
        Assert.Equal(Enumerable.Range(0, 9).Sum(round => 183L - (17 * round)), server.RequestQueueDrops);
    }
}
