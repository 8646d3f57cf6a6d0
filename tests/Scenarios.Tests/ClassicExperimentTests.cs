using System.Globalization;

namespace NetSim.Scenarios.Tests;

/// <summary>The classic experiments of scenarios/ show what their descriptions say.</summary>
public sealed class ClassicExperimentTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private RunResult Run(string scenario) =>
        ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario(scenario)), _temporary.Combine(Guid.NewGuid().ToString("N")));

    private static double Goodput(RunResult result, string flow) => (double)result.Flows.Single(f => f.Flow == flow).GoodputMbps;

    private static IEnumerable<string[]> Rows(RunResult result, string file) =>
        File.ReadAllLines(Path.Combine(result.OutputDirectory, file)).Skip(1).Select(l => l.Split(','));

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>
    /// scenarios/cdg-vs-cubic.yaml: alone, CDG keeps the round trip near the path's 40 ms and loses
    /// nothing, where CUBIC fills the 400-packet buffer; beside CUBIC it keeps the smaller share.
    /// </summary>
    [Fact]
    public void CdgKeepsTheBufferEmptyAloneAndGivesWayToCubic()
    {
        var result = Run("cdg-vs-cubic.yaml");

        // rtt.csv: time_s, flow, host, rtt_ms, srtt_ms, rto_ms; after slow start.
        var srtt = Rows(result, "rtt.csv").Where(r => Number(r[0]) > 5).ToLookup(r => r[1], r => Number(r[4]));
        Assert.InRange(srtt["cdg-alone"].Average(), 40, 50);
        Assert.True(srtt["cubic-alone"].Average() > 150, $"CUBIC's mean SRTT {srtt["cubic-alone"].Average():F0} ms");
        Assert.Equal(0, result.Flows.Single(f => f.Flow == "cdg-alone").Retransmissions);
        Assert.True(Goodput(result, "cdg-alone") > 16, $"CDG alone {Goodput(result, "cdg-alone"):F1} Mbit/s");
        Assert.True(Goodput(result, "cdg-shared") < Goodput(result, "cubic-shared"));
    }

    /// <summary>
    /// scenarios/lp-vs-reno.yaml: TCP-LP alone backs off from its own slow start's queue; beside
    /// Reno it keeps a small window while it reads the delay, and less than Reno over the run.
    /// </summary>
    [Fact]
    public void LpGivesWayToRenoWhileItReadsTheDelay()
    {
        var result = Run("lp-vs-reno.yaml");

        Assert.True(Goodput(result, "lp-alone") < 0.25 * Goodput(result, "reno-alone"), $"LP alone {Goodput(result, "lp-alone"):F1} Mbit/s");
        Assert.True(Goodput(result, "lp-shared") < Goodput(result, "reno-shared") / 2, $"LP beside Reno {Goodput(result, "lp-shared"):F1} Mbit/s");

        // timeseries.csv: time_s, flow, cwnd_bytes, ...; the first 20 s, before its delay reading is lost.
        var cwnd = Rows(result, "timeseries.csv").Where(r => Number(r[0]) < 20).ToLookup(r => r[1], r => Number(r[2]));
        Assert.True(cwnd["lp-shared"].Average() < cwnd["reno-shared"].Average() / 4,
            $"mean cwnd {cwnd["lp-shared"].Average() / 1448:F0} against {cwnd["reno-shared"].Average() / 1448:F0} segments");
        Assert.All(result.Flows, f => Assert.Equal(0, f.RtoCount));
    }

    /// <summary>
    /// scenarios/ledbat-vs-reno.yaml: LEDBAT alone holds the queue near its 100 ms target with
    /// the link full; beside Reno, whose queue stays above that target, it takes almost nothing.
    /// </summary>
    [Fact]
    public void LedbatHoldsItsTargetDelayAloneAndGivesTheLinkToReno()
    {
        var result = Run("ledbat-vs-reno.yaml");

        // rtt.csv: time_s, flow, host, rtt_ms, srtt_ms, rto_ms; after the first slow start's overshoot.
        var srtt = Rows(result, "rtt.csv").Where(r => Number(r[0]) > 10).ToLookup(r => r[1], r => Number(r[4]));
        Assert.InRange(srtt["ledbat-alone"].Average(), 115, 145);
        Assert.All(srtt["ledbat-alone"], ms => Assert.True(ms < 150, $"{ms} ms"));
        Assert.True(srtt["reno-alone"].Average() > 150, $"Reno alone {srtt["reno-alone"].Average():F0} ms");
        Assert.True(Goodput(result, "ledbat-alone") > 0.95 * Goodput(result, "reno-alone"));
        Assert.True(Goodput(result, "ledbat-shared") < 0.1 * Goodput(result, "reno-shared"), $"LEDBAT beside Reno {Goodput(result, "ledbat-shared"):F1} Mbit/s");
    }

    [Fact]
    public void CubicTakesTheLargerShareFromRenoAtALargeBdp()
    {
        var result = Run("cubic-vs-reno.yaml");

        Assert.True(Goodput(result, "cubic") > 1.4 * Goodput(result, "reno"), $"cubic {Goodput(result, "cubic"):F1}, reno {Goodput(result, "reno"):F1}");
        Assert.True(Goodput(result, "cubic") + Goodput(result, "reno") > 45);
    }

    /// <summary>
    /// Throughput goes as 1/RTT: at most the base RTTs' 6 to 1, and with the shared queue (up to
    /// 60 ms) in both RTTs about 2 to 1 (12.8 against 6.4 Mbit/s).
    /// </summary>
    [Fact]
    public void TheShortRttFlowTakesAboutTwiceTheLongOnesThroughput()
    {
        var result = Run("rtt-unfairness.yaml");

        Assert.InRange(Goodput(result, "short-rtt") / Goodput(result, "long-rtt"), 1.5, 6);
    }

    [Fact]
    public void IncastLeavesSomeServersWaitingForAnRtoWhileTheOthersFinishAtOnce()
    {
        var result = Run("incast.yaml");

        // Every answer arrives; some servers lost their window's tail and waited out a 200 ms RTO.
        Assert.All(result.Flows, f => Assert.Equal(64_000, f.BytesDelivered));
        var stalled = result.Flows.Where(f => f.RtoCount > 0).ToList();
        Assert.NotEmpty(stalled);
        Assert.All(stalled, f => Assert.True((double)f.GoodputMbps < 5, $"{f.Flow}: {f.GoodputMbps} Mbit/s"));
        Assert.Contains(result.Flows, f => f.RtoCount == 0 && (double)f.GoodputMbps > 50);
    }

    [Fact]
    public void TheBloatedBufferTakesTheRttFromFortyMillisecondsToOverASecond()
    {
        var result = Run("bufferbloat.yaml");

        // rtt.csv: time_s, flow, host, rtt_ms, ...; requests.csv: flow, request, sent_s, completed_s, completion_ms, ...
        var rtt = Rows(result, "rtt.csv").Where(f => f[1] == "web").Select(f => (Time: Number(f[0]), Ms: Number(f[3]))).ToList();
        Assert.All(rtt.Where(r => r.Time < 2), r => Assert.InRange(r.Ms, 38, 60));
        Assert.Contains(rtt, r => r.Time > 15 && r.Ms > 1000);
        var fetches = Rows(result, "requests.csv").Select(f => (Sent: Number(f[2]), Ms: Number(f[4]))).ToList();
        Assert.All(fetches.Where(f => f.Sent < 2), f => Assert.True(f.Ms < 100, $"{f.Ms} ms"));
        Assert.All(fetches.Where(f => f.Sent > 15), f => Assert.True(f.Ms > 800, $"{f.Ms} ms"));
    }

    /// <summary>
    /// scenarios/pie.yaml: over the same path, drop-tail lets CUBIC queue half a second; PIE's
    /// early drops hold the queueing delay near its 15 ms target for nearly the same goodput, and
    /// FQ-PIE also keeps the request/response flow out of the upload's queue.
    /// </summary>
    [Fact]
    public void PieHoldsTheRttNearItsTargetWhereDropTailLetsTheBufferFill()
    {
        var result = Run("pie.yaml");

        // rtt.csv: time_s, flow, host, rtt_ms, srtt_ms, rto_ms; after the first slow start.
        var srtt = Rows(result, "rtt.csv").Where(r => Number(r[0]) > 5).ToLookup(r => r[1], r => Number(r[4]));
        Assert.InRange(srtt["pie"].Average(), 45, 70);
        Assert.InRange(srtt["fq_pie"].Average(), 45, 70);
        Assert.True(srtt["droptail"].Average() > 400, $"drop-tail's mean SRTT {srtt["droptail"].Average():F0} ms");
        Assert.True(Goodput(result, "pie") > 0.95 * Goodput(result, "droptail"), $"PIE {Goodput(result, "pie"):F1} Mbit/s");
        Assert.True(Goodput(result, "fq_pie") > 0.95 * Goodput(result, "droptail"), $"FQ-PIE {Goodput(result, "fq_pie"):F1} Mbit/s");

        // links.csv: link, rate_bps, packets_transmitted, bytes_transmitted, queue_drops, ...: PIE's early drops, never its limit.
        var pieLink = Rows(result, "links.csv").Single(r => r[0] == "r3->r4");
        Assert.InRange(Number(pieLink[4]), 1, 100);
        Assert.All(srtt["pie"], ms => Assert.True(ms < 150, $"{ms} ms"));

        // requests.csv: flow, request, sent_s, completed_s, completion_ms, ...: a 20 KB request and its answer,
        // behind the upload's queue, behind PIE's 15 ms of it, or beside it.
        var fetches = Rows(result, "requests.csv").Where(r => Number(r[2]) > 5).ToLookup(r => r[0], r => Number(r[4]));
        Assert.True(fetches["droptail-web"].Average() > 800, $"drop-tail fetches {fetches["droptail-web"].Average():F0} ms");
        Assert.InRange(fetches["pie-web"].Average(), 60, 150);
        Assert.True(fetches["fq_pie-web"].Average() < fetches["pie-web"].Average());
        Assert.All(fetches["fq_pie-web"], ms => Assert.True(ms < 100, $"{ms} ms"));
    }

    [Fact]
    public void TheThrottledSenderKeepsItsRttNearTheBaseForTheSameGoodput()
    {
        var result = Run("small-queues.yaml");

        // rtt.csv: time_s, flow, host, rtt_ms, srtt_ms, rto_ms. Once the unthrottled sender's queue
        // has filled (1000 packets at 100 Mbit/s is 120 ms), its RTT is five times the other's.
        var srtt = Rows(result, "rtt.csv").Where(r => Number(r[0]) > 3).ToLookup(r => r[1], r => Number(r[4]));
        Assert.All(srtt["tsq"], ms => Assert.InRange(ms, 20, 30));
        Assert.True(srtt["no-tsq"].Average() > 80, $"no-tsq averaged {srtt["no-tsq"].Average():F1} ms");
        Assert.Equal(0, result.Flows.Single(f => f.Flow == "tsq").Retransmissions);
        Assert.True(result.Flows.Single(f => f.Flow == "no-tsq").Retransmissions > 0);
        Assert.InRange(Goodput(result, "tsq") / Goodput(result, "no-tsq"), 0.98, 1.02);
    }
}
