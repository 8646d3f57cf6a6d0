using NetSim.Reports;
using NetSim.Reports.Rows;
using NetSim.SockOps;
using NetSim.Tcp.Hooks;

namespace NetSim.Scenarios.Tests;

/// <summary>The default scenario end to end: it runs, its files are complete and consistent, and the sock_ops log obeys the flags.</summary>
public sealed class QuickstartTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private RunResult RunQuickstart(string folder) =>
        ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("quickstart.yaml")), Path.Combine(_temporary.Path, folder));

    [Fact]
    public void ItWritesEveryTableAndPlotAndDeliversTheStreamIntact()
    {
        var result = RunQuickstart("run");

        foreach (var file in new[] { "flows.csv", "links.csv", "events.csv", "timeseries.csv", "sockops.csv", "rtt.csv", "queue.csv", "cwnd.png", "cwnd.svg" })
        {
            Assert.True(File.Exists(Path.Combine(result.OutputDirectory, file)), file);
        }

        var flow = Assert.Single(CsvTables.Read<FlowRow>(Path.Combine(result.OutputDirectory, "flows.csv")));
        Assert.Equal("ok", flow.DeliveryCheck);
        Assert.True(flow.BytesDelivered > 5_000_000, $"delivered {flow.BytesDelivered}");
        Assert.True(flow.Retransmissions > 0 && flow.RtoCount > 0);
        Assert.Equal("TimeWait", flow.SenderState);
        Assert.Equal("Closed", flow.ReceiverState);

        var png = File.ReadAllBytes(Path.Combine(result.OutputDirectory, "cwnd.png"));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void AllFourCallbackKindsFireAndOnlyWhileTheirFlagIsSet()
    {
        var result = RunQuickstart("run");
        var rows = CsvTables.Read<SockOpsRow>(Path.Combine(result.OutputDirectory, "sockops.csv"));

        var gates = new Dictionary<int, SockOpsCallbackFlags>
        {
            [Linux.BPF_SOCK_OPS_RTO_CB] = SockOpsCallbackFlags.Rto,
            [Linux.BPF_SOCK_OPS_RETRANS_CB] = SockOpsCallbackFlags.Retrans,
            [Linux.BPF_SOCK_OPS_STATE_CB] = SockOpsCallbackFlags.State,
            [Linux.BPF_SOCK_OPS_RTT_CB] = SockOpsCallbackFlags.Rtt,
        };
        foreach (var (op, flag) in gates)
        {
            var fired = rows.Where(r => r.Op == op).ToList();
            Assert.NotEmpty(fired);
            Assert.All(fired, r => Assert.True((Convert.ToInt32(r.CallbackFlags, 16) & (int)flag) != 0, $"{r.OpName} at {r.TimeSeconds} with flags {r.CallbackFlags}"));
        }

        // builtin:watch clears RTT_CB after 50 callbacks: exactly 50, and the 50th leaves the flag off.
        var rtt = rows.Where(r => r.Op == Linux.BPF_SOCK_OPS_RTT_CB).ToList();
        Assert.Equal(50, rtt.Count);
        Assert.Equal("0x7", rtt[^1].CallbackFlagsAfter);
        Assert.All(rows.Where(r => r.TimeSeconds > rtt[^1].TimeSeconds), r => Assert.Equal(0, Convert.ToInt32(r.CallbackFlags, 16) & 0x8));

        // Every retransmission the sender made is in the log (RETRANS_CB's args[1] counts the
        // segments of each retransmitted packet), and every RTO expiry.
        var flow = Assert.Single(result.Flows);
        Assert.Equal(flow.Retransmissions, rows.Where(r => r.Op == Linux.BPF_SOCK_OPS_RETRANS_CB).Sum(r => long.Parse(r.Args.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(flow.RtoCount, rows.Count(r => r.Op == Linux.BPF_SOCK_OPS_RTO_CB));
    }

    [Fact]
    public void TheSameScenarioAndSeedGiveByteIdenticalFiles()
    {
        var first = RunQuickstart("a");
        var second = RunQuickstart("b");

        foreach (var file in first.Files.Where(f => f != "manifest.json"))
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(first.OutputDirectory, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second.OutputDirectory, file))),
                $"{file} differs between two runs");
        }

        // The manifest differs only in what the run cost in wall time.
        static Dictionary<string, string> Manifest(RunResult run)
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run.OutputDirectory, "manifest.json")));
            return json.RootElement.EnumerateObject()
                .Where(p => p.Name is not ("wall_seconds" or "events_per_second"))
                .ToDictionary(p => p.Name, p => p.Value.GetRawText(), StringComparer.Ordinal);
        }

        var manifest = Manifest(first);
        Assert.Equal(manifest, Manifest(second));
        Assert.Equal("\"quickstart\"", manifest["scenario"]);
        Assert.Equal("1", manifest["seed"]);
        Assert.Equal(64, manifest["scenario_sha256"].Trim('"').Length);
        Assert.True(long.Parse(manifest["events"], System.Globalization.CultureInfo.InvariantCulture) > 10_000);
    }

    [Fact]
    public void ADifferentSeedGivesADifferentRun()
    {
        var scenario = ScenarioParser.ParseFile(Repository.Scenario("quickstart.yaml"));
        var a = ScenarioRunner.Run(scenario, Path.Combine(_temporary.Path, "s1"));
        var b = ScenarioRunner.Run(scenario with { Seed = 2 }, Path.Combine(_temporary.Path, "s2"));
        Assert.NotEqual(a.Flows[0].BytesDelivered, b.Flows[0].BytesDelivered);
    }
}
