namespace NetSim.Scenarios.Tests;

/// <summary>The congestion-control examples show what they say they show.</summary>
public sealed class CongestionScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public void BuiltinCongSwitchesBothEndsToDctcpWhichMarksInsteadOfDropping()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("sockops-dctcp-switch.yaml")), _temporary.Path);

        var log = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops.csv"));
        Assert.Equal(2, log.Count(l => l.Contains("setsockopt(SOL_TCP, TCP_CONGESTION, \"\"dctcp\"\")=0", StringComparison.Ordinal)));
        var flow = Assert.Single(result.Flows);
        Assert.True(flow.CeReceived > 0);
        Assert.True(flow.EcnReductions > 0);
        Assert.Equal(0, flow.Retransmissions);
        var bottleneck = result.Links.Single(l => l.Link == "tor->cache");
        Assert.Equal(0, bottleneck.QueueDrops);
        Assert.True(bottleneck.Utilisation > 0.9m);
    }

    [Fact]
    public void InTheDataCentreDctcpKeepsTheLinkFullWithoutALoss()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("datacenter-dctcp.yaml")), _temporary.Path);

        var bottleneck = result.Links.Single(l => l.Link == "r1->r2");
        Assert.Equal(0, bottleneck.QueueDrops);
        Assert.True(bottleneck.EcnMarks > 0);
        Assert.True(bottleneck.Utilisation > 0.95m);
        Assert.All(result.Flows, f => Assert.Equal(0, f.Retransmissions));
    }

    [Fact]
    public void OnTheShallowBufferBbrV3RetransmitsAFractionOfWhatV1DoesForTheSameThroughput()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("bbr-v1-vs-v3.yaml")), _temporary.Path);

        var v1 = result.Flows.Single(f => f.Flow == "bbr-v1");
        var v3 = result.Flows.Single(f => f.Flow == "bbr-v3");
        Assert.True(v3.Retransmissions * 3 < v1.Retransmissions, $"v3 {v3.Retransmissions}, v1 {v1.Retransmissions} retransmissions");
        Assert.True(v3.BytesDelivered > 0.95 * v1.BytesDelivered);
    }

    /// <summary>
    /// scenarios/accurate-ecn.yaml: the Accurate ECN flow's sender counts as many CE-marked
    /// segments delivered as its receiver got; the RFC 3168 flow's counts every segment its ECE
    /// ACKs covered, more than were marked.
    /// </summary>
    [Fact]
    public void AccurateEcnFeedbackCountsTheMarksWhereRfc3168FeedbackOvercountsThem()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("accurate-ecn.yaml")), _temporary.Path);

        var accurate = result.Flows.Single(f => f.Flow == "accurate");
        var classic = result.Flows.Single(f => f.Flow == "classic");
        Assert.Equal(("accecn", "rfc3168"), (accurate.Ecn, classic.Ecn));
        Assert.True(accurate.CeReceived > 0);
        Assert.Equal(accurate.CeReceived, accurate.CeDelivered);
        Assert.True(classic.CeDelivered > classic.CeReceived, $"{classic.CeDelivered} delivered CE against {classic.CeReceived} received");
        Assert.All(result.Flows, f => Assert.True(f.EcnReductions > 0));
        Assert.Equal(0, result.Links.Single(l => l.Link == "r1->r2").QueueDrops);
    }

    /// <summary>
    /// scenarios/send-buffer-autotuning.yaml: on a 100 Mbit/s, 100 ms path a fixed 128 KiB send
    /// buffer lets the flow move little more than itself per round trip (about 10 Mbit/s), while
    /// the flow whose buffer may grow to 4 MiB fills most of its path.
    /// </summary>
    [Fact]
    public void AGrowingSendBufferFillsThePathAFixedOneCannot() =>
        AssertAGrowingBufferFillsThePath("send-buffer-autotuning.yaml", bytesPerRoundTrip: 128 * 1024, low: 0.5, high: 1.5);

    /// <summary>
    /// scenarios/receive-buffer-autotuning.yaml: on a 100 Mbit/s, 100 ms path a receiver keeping
    /// Linux's initial 128 KiB buffer offers 64 KiB a round trip (about 5 Mbit/s), while the one
    /// whose buffer may grow to tcp_rmem[2] lets its flow fill most of its path.
    /// </summary>
    [Fact]
    public void AGrowingReceiveBufferFillsThePathAFixedOneCannot() =>
        AssertAGrowingBufferFillsThePath("receive-buffer-autotuning.yaml", bytesPerRoundTrip: 64 * 1024, low: 0.7, high: 1.05);

    /// <summary>
    /// A scenario's "fixed" flow moves between <paramref name="low"/> and <paramref name="high"/>
    /// times <paramref name="bytesPerRoundTrip"/> each 100 ms round trip; its "autotuned" flow fills
    /// most of its 100 Mbit/s path.
    /// </summary>
    private void AssertAGrowingBufferFillsThePath(string scenario, int bytesPerRoundTrip, double low, double high)
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario(scenario)), _temporary.Path);

        var fixedBuffer = result.Flows.Single(f => f.Flow == "fixed");
        var autotuned = result.Flows.Single(f => f.Flow == "autotuned");
        var perRoundTrip = bytesPerRoundTrip * 8 / 0.1 / 1e6;
        Assert.InRange((double)fixedBuffer.GoodputMbps, low * perRoundTrip, high * perRoundTrip);
        Assert.True((double)autotuned.GoodputMbps > 70, $"autotuned {autotuned.GoodputMbps} Mbit/s");
    }

    [Fact]
    public void EcnLowIsReadPerFlowAndReachesTheConnection()
    {
        var yaml = """
            name: ecn-low
            duration: 1s
            hosts: [a, b]
            links: [{ between: [a, b], rate: 100Mbps, delay: 1ms }]
            flows:
              - { name: f, from: a, to: b, app: { type: bulk, bytes: 100000 }, tcp: { congestion: bbr3, ecn: 1, ecn_low: true } }
            """;
        var scenario = ScenarioParser.Parse(yaml, "ecn-low.yaml");

        Assert.True(scenario.Flows[0].Tcp.EcnLow);
        Assert.Equal("bbr3", scenario.Flows[0].Tcp.Congestion);
    }

    [Fact]
    public void ThinLinearTimeoutsAndNotsentLowatAreReadAsSysctls()
    {
        var yaml = """
            name: sysctls
            duration: 1s
            hosts: [a, b]
            links: [{ between: [a, b], rate: 100Mbps, delay: 1ms }]
            defaults: { thin_linear_timeouts: true }
            flows:
              - { name: f, from: a, to: b, app: { type: bulk, bytes: 100000 }, tcp: { notsent_lowat: 128KiB } }
            """;
        var scenario = ScenarioParser.Parse(yaml, "sysctls.yaml");

        Assert.True(scenario.Flows[0].Tcp.ThinLinearTimeouts);
        Assert.Equal(131072u, scenario.Flows[0].Tcp.NotSentLowWatermark);
    }
}
