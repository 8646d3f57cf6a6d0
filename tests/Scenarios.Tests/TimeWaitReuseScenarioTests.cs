using NetSim.Reports;
using NetSim.Reports.Rows;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// scenarios/time-wait-reuse.yaml: three clients opening a connection per request from 100 local
/// ports, one with Linux's default tcp_tw_reuse (2, loopback only), one with tcp_tw_reuse 1, and
/// one whose server closes first.
/// </summary>
public sealed class TimeWaitReuseScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public void WithoutReuseThePortsRunOutAfterOneExchangeEachAndWithItOrWhenTheServerClosesFirstNoRequestFails()
    {
        ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("time-wait-reuse.yaml")), _temporary.Path);
        var completed = CsvTables.Read<RequestRow>(Path.Combine(_temporary.Path, "requests.csv"));
        var failed = CsvTables.Read<RequestFailureRow>(Path.Combine(_temporary.Path, "request_failures.csv"));
        var noReuse = completed.Where(r => r.Flow == "no-reuse").ToList();
        var reuse = completed.Where(r => r.Flow == "reuse").ToList();

        // Every port of 50000-50099 carries one exchange, then sits in TIME-WAIT past the end of the run.
        Assert.Equal(100, noReuse.Count);
        Assert.NotEmpty(failed);
        Assert.All(failed, f => Assert.Equal(("no-reuse", "EADDRNOTAVAIL"), (f.Flow, f.Error)));
        Assert.True(failed[0].FailedSeconds > noReuse[^1].CompletedSeconds);
        Assert.Equal(Enumerable.Range(101, failed.Count), failed.Select(f => f.Request));

        // The same pace until then (within the queueing of the shared link); with reuse the ports
        // come round again and nothing fails.
        Assert.InRange(reuse[99].CompletedSeconds - noReuse[^1].CompletedSeconds, -0.001m, 0.001m);
        Assert.True(reuse.Count > 200, $"reuse completed {reuse.Count}");

        // When the server closes first its timewait sockets reopen for the client's newer SYNs:
        // as many exchanges, each a round trip for the handshake and one for the request.
        var serverClose = completed.Where(r => r.Flow == "server-close").ToList();
        Assert.Equal(reuse.Count, serverClose.Count);
        Assert.All(serverClose, r => Assert.InRange(r.CompletionMilliseconds, 22m, 23m));
        Assert.True(File.Exists(Path.Combine(_temporary.Path, "requests.png")));

        // hosts.csv counts it on each side: 100 timewait sockets at most, 112 of them used again.
        var hosts = CsvTables.Read<HostRow>(Path.Combine(_temporary.Path, "hosts.csv")).ToDictionary(h => h.Host);
        Assert.Equal((100L, (long)failed.Count, 100), (hosts["c1"].ActiveOpens, hosts["c1"].PortsExhausted, hosts["c1"].TimeWaitPeak));
        Assert.Equal(((long)reuse.Count, reuse.Count - 100L, 100), (hosts["c2"].ActiveOpens, hosts["c2"].TimeWaitTakenOver, hosts["c2"].TimeWaitPeak));
        Assert.Equal((0, 0L), (hosts["c3"].TimeWaitPeak, hosts["c3"].PortsExhausted));
        Assert.Equal((100, serverClose.Count - 100L), (hosts["server"].TimeWaitPeak, hosts["server"].TimeWaitReopened));
        Assert.Equal(100L + reuse.Count + serverClose.Count, hosts["server"].PassiveOpens);

        // report.html shows the same rows.
        var report = File.ReadAllText(Path.Combine(_temporary.Path, "report.html"));
        Assert.Contains("<h2>Hosts</h2>", report);
        Assert.Contains($"<td>c1</td><td>100</td><td>{failed.Count}</td>", report);
    }
}
