namespace NetSim.Scenarios.Tests;

/// <summary>The sock_ops study examples do what their descriptions say.</summary>
public sealed class SockOpsStudyTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private (RunResult Result, string[] Calls, string[] Events) Run(string scenario)
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario(scenario)), _temporary.Combine(Guid.NewGuid().ToString("N")));
        return (result, File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops.csv")), File.ReadAllLines(Path.Combine(result.OutputDirectory, "events.csv")));
    }

    [Fact]
    public void TheNearbySynIsResentAfter10MsAndTheDistantFlowStartsWith40Segments()
    {
        var (result, calls, events) = Run("sockops-tune-per-destination.yaml");

        // TIMEOUT_INIT answers 10 (jiffies, 10 ms) for the near flow only; the lost SYN goes again at 10 ms, not 1 s.
        Assert.Contains(calls, c => c.StartsWith("0,near,client,1,BPF_SOCK_OPS_TIMEOUT_INIT,0 0 0,0x0,10,10,", StringComparison.Ordinal));
        Assert.Contains(calls, c => c.StartsWith("0,far,client,1,BPF_SOCK_OPS_TIMEOUT_INIT,0 0 0,0x0,4294967295,-1,", StringComparison.Ordinal));
        Assert.Contains("0.01,near,client,retransmit", string.Join('\n', events), StringComparison.Ordinal);
        Assert.Single(calls, c => c.Contains(",far,client,4,BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB,", StringComparison.Ordinal)
            && c.Contains("setsockopt(SOL_TCP, TCP_BPF_IW, 40)=0", StringComparison.Ordinal));
        Assert.All(result.Flows, f => Assert.Equal(200_000, f.BytesDelivered));
    }

    [Fact]
    public void TheKernelSamplesClampTheDataCentreFlowAndTheFarOneGetsTheBuffersItAsksFor()
    {
        var (result, calls, _) = Run("sockops-datacenter-policy.yaml");

        // builtin:clamp: a 10 ms SYN RTO, and cwnd never above 100 segments (timeseries.csv starts at IW 10).
        Assert.Contains(calls, c => c.StartsWith("0,in-dc,web,1,BPF_SOCK_OPS_TIMEOUT_INIT,0 0 0,0x0,10,10,", StringComparison.Ordinal));
        var rows = File.ReadAllLines(Path.Combine(result.OutputDirectory, "timeseries.csv")).Skip(1).Select(l => l.Split(',')).Where(f => f[1] == "in-dc").ToList();
        var segment = long.Parse(rows[0][2], System.Globalization.CultureInfo.InvariantCulture) / 10;
        Assert.All(rows, f => Assert.InRange(long.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), 1, 100 * segment));

        // builtin:iw asks for 1.5 MB buffers, within rmem_max (4 MB since Linux 6.18); the receiver's 2 x 1.5 MB
        // hold 1.5 MB of data: one window of 1.5 MB per 80 ms round trip, whatever the 1 Gbit/s path could carry.
        Assert.Contains(calls, c => c.Contains(",cross-dc,web,4,BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB,", StringComparison.Ordinal)
            && c.Contains("setsockopt(SOL_TCP, TCP_BPF_IW, 40)=0", StringComparison.Ordinal));
        var far = result.Flows.Single(f => f.Flow == "cross-dc");
        Assert.InRange((double)far.GoodputMbps, 0.9 * 1_500_000 * 8 / 0.0802 / 1e6, 1.0 * 1_500_000 * 8 / 0.0802 / 1e6);
    }

    [Fact]
    public void BuiltinDumpstatsWritesTheCountersToSockopsOutputEveryInterval()
    {
        var yaml = """
            name: dumpstats
            duration: 2s
            hosts: [a, b]
            links: [{ between: [a, b], rate: 100Mbps, delay: 5ms }]
            flows: [{ name: f, from: a, to: b, app: { type: bulk } }]
            sockops:
              - { program: builtin:dumpstats, attach: { hosts: [a] }, params: { interval_ms: 500 } }
            """;
        var result = ScenarioRunner.Run(ScenarioParser.Parse(yaml, "dumpstats.yaml"), _temporary.Combine("dumpstats"));

        // Two lines per dump, one dump per 500 ms of RTT callbacks: at 0.01 s, then about every half second.
        var lines = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops_output.csv")).Skip(1).ToList();
        Assert.Equal(8, lines.Count);
        Assert.Contains("dsack_dups=0 delivered=1", lines[0], StringComparison.Ordinal);
        Assert.Contains("builtin:dumpstats", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void RtoCallbacksStartOnlyAfterTheFirstRetransmissionAndEachTimeoutIsRecorded()
    {
        var (result, calls, _) = Run("sockops-rto-storm.yaml");

        var firstRetrans = Array.FindIndex(calls, c => c.Contains(",BPF_SOCK_OPS_RETRANS_CB,", StringComparison.Ordinal));
        var firstRto = Array.FindIndex(calls, c => c.Contains(",BPF_SOCK_OPS_RTO_CB,", StringComparison.Ordinal));
        Assert.True(firstRetrans > 0 && firstRto > firstRetrans);

        // The first RETRANS_CB sets RTO_CB (0x2 -> 0x3); no RTO_CB before it, although the flow may have timed out.
        Assert.Contains(",0x2,", calls[firstRetrans], StringComparison.Ordinal);
        Assert.Contains(",0x3,", calls[firstRetrans], StringComparison.Ordinal);
        var flow = Assert.Single(result.Flows);
        var rtoCalls = calls.Count(c => c.Contains(",BPF_SOCK_OPS_RTO_CB,", StringComparison.Ordinal));
        Assert.True(rtoCalls >= 3, $"{rtoCalls} RTO callbacks");
        Assert.True(flow.RtoCount >= rtoCalls);

        var output = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops_output.csv")).Skip(1).ToList();
        Assert.Equal(rtoCalls, output.Count);
        // Each timeout in a row doubles the RTO it reports (tcp_retransmit_timer()'s backoff).
        var second = output.FindIndex(line => line.Contains("rto_storm,timeout 2 in a row: rto ", StringComparison.Ordinal));
        Assert.True(second > 0);
        Assert.Contains("rto_storm,timeout 1 in a row: rto ", output[second - 1], StringComparison.Ordinal);
        Assert.Equal(2 * RtoJiffies(output[second - 1]), RtoJiffies(output[second]));
    }

    /// <summary>The RTO in a line of rto_storm's output, "... rto N jiffies".</summary>
    private static int RtoJiffies(string line)
    {
        var words = line.Split(' ');
        return int.Parse(words[^2], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void BaserttHoldsNvsQueueWhereThePlainNvFlowsClimbs()
    {
        var (result, calls, _) = Run("sockops-nv-basertt.yaml");

        // BASE_RTT is asked by NV's init on both ends of the flow the program is attached to, and answered with 41000 us.
        Assert.Equal(2, calls.Count(c => c.Contains(",based,", StringComparison.Ordinal) && c.Contains(",BPF_SOCK_OPS_BASE_RTT,0 0 0,0x0,41000,41000,", StringComparison.Ordinal)));
        Assert.DoesNotContain(calls, c => c.Contains(",plain,", StringComparison.Ordinal));

        // queue.csv logs each change of a link's queue; over the last 10 s the based path holds nine or ten packets, the plain one far more.
        var rows = File.ReadAllLines(Path.Combine(result.OutputDirectory, "queue.csv")).Skip(1).Select(l => l.Split(','))
            .Where(f => double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture) >= 50).ToList();
        double MeanQueue(string link) => rows.Where(f => f[1] == link).Average(f => int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(MeanQueue("a2->b2"), 8, 11);
        Assert.True(MeanQueue("a1->b1") > 40, $"plain queue {MeanQueue("a1->b1"):F1}");
        Assert.All(result.Flows, f => Assert.True(f.GoodputMbps > 9.5m, $"{f.Flow}: {f.GoodputMbps} Mbit/s"));
    }

    [Fact]
    public void TxTimestampsPlaceTheRequestsDelayInTheNetworkOnceTheUploadFillsTheQueue()
    {
        var (result, calls, _) = Run("sockops-tx-timestamping.yaml");

        // One record per request followed to its ACK: tskey, then the delays in the stack, the device queue, and to the ACK.
        var records = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops_output.csv")).Skip(1)
            .Select(l => l.Split(','))
            .Select(f => (Time: double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), Delays: f[5].Split(' ').Skip(1).Select(d => long.Parse(d.Split('=')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray()))
            .ToList();
        Assert.True(records.Count > 30, $"{records.Count} requests followed");
        // A request reaches the device when it is written, unless it was lost: its retransmission's
        // TSTAMP_SCHED_CB then measures from the write (the selftest's program overwrites sched_delay).
        var rpc = result.Flows.Single(f => f.Flow == "rpc");
        Assert.Equal(rpc.Retransmissions, records.Count(r => r.Delays[0] != 0));
        Assert.All(records.Where(r => r.Delays[0] == 0), r => Assert.InRange(r.Delays[1], 0, 1_000_000));
        Assert.All(records.Where(r => r.Time < 5), r => Assert.InRange(r.Delays[2], 40_000_000, 45_000_000));
        Assert.All(records.Where(r => r.Time > 9), r => Assert.InRange(r.Delays[2], 150_000_000, 300_000_000));
        Assert.Contains(calls, c => c.Contains(",BPF_SOCK_OPS_TSTAMP_SND_HW_CB,", StringComparison.Ordinal));
        Assert.DoesNotContain(calls, c => c.Contains(",upload,", StringComparison.Ordinal) && c.Contains("TSTAMP", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSelftestProgramsRunFromAScenarioAndPrintWhatTheyRecord()
    {
        var yaml = """
            name: selftests
            duration: 2s
            hosts: [a, b]
            links: [{ between: [a, b], rate: 100Mbps, delay: 5ms }]
            flows:
              - { name: exchange, from: a, to: b, app: { type: bulk, bytes: 1000 } }
              - { name: timed, from: a, to: b, app: { type: bulk, bytes: 100KB } }
            sockops:
              - { program: builtin:tcpbpf, attach: { flows: [exchange] } }
              - { program: builtin:tcp_rtt, attach: { flows: [timed] } }
            """;
        var result = ScenarioRunner.Run(ScenarioParser.Parse(yaml, "selftests.yaml"), _temporary.Combine("selftests"));
        var lines = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops_output.csv")).Skip(1).ToList();

        // tcpbpf: ops 1-6, 10 and 11 (0xc7e); both ends close; the client's cb_flags_set(0x80) returned 0x80.
        var tcpbpf = lines.Where(l => l.Contains("builtin:tcpbpf", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, tcpbpf.Count);
        Assert.Contains("event_map=0xc7e", tcpbpf[^1], StringComparison.Ordinal);
        Assert.Contains("bad_cb_test_rv=0x80 good_cb_test_rv=0", tcpbpf[^1], StringComparison.Ordinal);
        Assert.Contains("num_close_events=2", tcpbpf[^1], StringComparison.Ordinal);

        // tcp_rtt: one line per RTT callback on the client, counted 1, 2, 3, ... with delivered growing.
        var rtt = lines.Where(l => l.Contains("builtin:tcp_rtt", StringComparison.Ordinal) && l.Contains(",timed,a,", StringComparison.Ordinal)).ToList();
        Assert.True(rtt.Count >= 3, $"{rtt.Count} RTT callbacks");
        Assert.All(rtt.Select((l, i) => (l, i)), x => Assert.Contains($"invoked={x.i + 1} ", x.l, StringComparison.Ordinal));
        Assert.Contains("delivered=1 ", rtt[0], StringComparison.Ordinal);
    }
}
