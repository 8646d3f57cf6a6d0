using NetSim.Reports;
using NetSim.Reports.Rows;
using NetSim.Scenarios.Model;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Queues;

namespace NetSim.Scenarios.Tests;

/// <summary>Multi-hop topologies, per-direction link properties, queues and loss models, as a scenario writes them.</summary>
public sealed class TopologyScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private const string TwoHops = """
        name: t
        duration: 20s
        hosts: [a, b]
        routers: [r]
        links:
          - { between: [a, r], rate: 10Mbps, delay: 5ms }
          - { between: [r, b], rate: 10Mbps, delay: 5ms }
        flows:
          - { name: f, from: a, to: b, app: { type: bulk, bytes: 300KB } }
        """;

    [Fact]
    public void TheDumbbellShorthandMakesPairsRoutersLinksAndFlows()
    {
        var scenario = ScenarioParser.ParseFile(Repository.Scenario("dumbbell.yaml"));

        Assert.Equal(["s1", "d1", "s2", "d2", "s3", "d3", "s4", "d4"], scenario.Hosts);
        Assert.Equal(["r1", "r2"], scenario.Routers);
        Assert.Equal(9, scenario.Links.Count);
        Assert.IsType<RedSpec>(scenario.Links[0].Forward.Queue);
        Assert.Equal(["f1", "f2", "f3", "f4"], scenario.Flows.Select(f => f.Name));
        Assert.Equal(("s3", "d3"), (scenario.Flows[2].From, scenario.Flows[2].To));
    }

    [Fact]
    public void AFlowCrossesRoutersAndEveryByteArrives()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(TwoHops, "t.yaml"), _temporary.Path);
        var flow = Assert.Single(result.Flows);
        Assert.Equal(300_000, flow.BytesDelivered);
        Assert.Equal("ok", flow.DeliveryCheck);
    }

    [Fact]
    public void ValuesCanDifferPerDirection()
    {
        var scenario = ScenarioParser.Parse(TwoHops.Replace(
            "- { between: [a, r], rate: 10Mbps, delay: 5ms }",
            "- { between: [a, r], rate: { forward: 100Mbps, reverse: 10Mbps }, delay: 5ms, loss: { reverse: { type: bernoulli, p: 2% } } }"), "t.yaml");

        var link = scenario.Links[0];
        Assert.Equal((100_000_000L, 10_000_000L), (link.Forward.RateBitsPerSecond, link.Reverse.RateBitsPerSecond));
        Assert.IsType<NoLossSpec>(link.Forward.Loss);
        Assert.Equal(0.02, Assert.IsType<BernoulliSpec>(link.Reverse.Loss).P, 12);
    }

    [Theory]
    [InlineData("{ type: red, min_th: 5, max_th: 15 }", typeof(RedSpec))]
    [InlineData("{ type: codel }", typeof(CoDelSpec))]
    [InlineData("{ type: pie, target: 20ms, ecn: true, dq_rate_estimator: true }", typeof(PieSpec))]
    [InlineData("{ type: fq_pie, flows: 64, quantum: 300, ecn_prob: 20 }", typeof(FqPieSpec))]
    [InlineData("{ type: fq_codel, quantum: 300 }", typeof(FqCoDelSpec))]
    [InlineData("{ type: droptail, bytes: 64KiB }", typeof(DropTailSpec))]
    public void EveryQueueDisciplineCanBeNamed(string queue, Type expected)
    {
        var scenario = ScenarioParser.Parse(TwoHops.Replace("rate: 10Mbps, delay: 5ms }\n  - { between: [r, b]", $"rate: 10Mbps, delay: 5ms, queue: {queue} }}\n  - {{ between: [r, b]"), "t.yaml");
        Assert.IsType(expected, scenario.Links[0].Forward.Queue);
    }

    [Fact]
    public void BadRedThresholdsAreRefused()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(
            TwoHops.Replace("rate: 10Mbps, delay: 5ms }\n  - { between: [r, b]", "rate: 10Mbps, delay: 5ms, queue: { type: red, min_th: 15, max_th: 5 } }\n  - { between: [r, b]"), "t.yaml"));
        Assert.Contains("min_th < max_th", error.Problem);
        Assert.Equal("links[0].queue.type", error.Field);
    }

    [Fact]
    public void PieTakesItsParametersInTcPiesUnitsAndRefusesOthers()
    {
        var scenario = ScenarioParser.Parse(TwoHops.Replace("rate: 10Mbps, delay: 5ms }\n  - { between: [r, b]",
            "rate: 10Mbps, delay: 5ms, queue: { type: pie, target: 20ms, tupdate: 30ms, alpha: 4, limit: 50 } }\n  - { between: [r, b]"), "t.yaml");
        Assert.Equal(PieParameters.Default with { Target = SimTime.FromMilliseconds(20), Update = SimTime.FromMilliseconds(30), Alpha = 4, Limit = 50 },
            Assert.IsType<PieSpec>(scenario.Links[0].Forward.Queue).Parameters);

        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(
            TwoHops.Replace("rate: 10Mbps, delay: 5ms }\n  - { between: [r, b]", "rate: 10Mbps, delay: 5ms, queue: { type: pie, beta: 40 } }\n  - { between: [r, b]"), "t.yaml"));
        Assert.Equal("links[0].queue.beta", error.Field);
        Assert.Contains("sixteenths", error.Problem);
    }

    [Fact]
    public void AFlowBetweenDisconnectedHostsIsRefused()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(
            TwoHops.Replace("  - { between: [r, b], rate: 10Mbps, delay: 5ms }\n", string.Empty), "t.yaml"));
        Assert.Equal("flows[0].to", error.Field);
        Assert.Contains("no route from a to b", error.Problem);
    }

    [Fact]
    public void FramingIsReadPerDirectionAndDumbbellLinksTakeItFromTheirTemplate()
    {
        var scenario = ScenarioParser.Parse(TwoHops.Replace(
            "- { between: [a, r], rate: 10Mbps, delay: 5ms }",
            "- { between: [a, r], rate: 10Mbps, delay: 5ms, framing: { forward: 2, reverse: 38 } }"), "t.yaml");
        Assert.Equal((2, 38), (scenario.Links[0].Forward.FramingBytes, scenario.Links[0].Reverse.FramingBytes));
        Assert.Equal(0, scenario.Links[1].Forward.FramingBytes);

        var s2 = ScenarioParser.ParseFile(Path.Combine(Repository.Root, "bench", "scenarios", "s2-dumbbell-100.yaml"));
        Assert.All(s2.Links, link => Assert.Equal((2, 2), (link.Forward.FramingBytes, link.Reverse.FramingBytes)));
    }

    [Fact]
    public void FramingBeyondAThousandBytesIsNamedAsTheError()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(TwoHops.Replace(
            "- { between: [a, r], rate: 10Mbps, delay: 5ms }", "- { between: [a, r], rate: 10Mbps, delay: 5ms, framing: 1500 }"), "t.yaml"));
        Assert.Equal("links[0].framing", error.Field);
        Assert.Contains("[0, 1000]", error.Problem);
    }

    [Fact]
    public void ASmallerMtuFurtherAlongThePathIsFoundByPathMtuDiscovery()
    {
        // Only r's direction of the link to b takes no more than 576 bytes: b's own first hop
        // takes 1500, so b announces 1460.
        var scenario = ScenarioParser.Parse(TwoHops.Replace("- { between: [r, b], rate: 10Mbps, delay: 5ms }", "- { between: [r, b], rate: 10Mbps, delay: 5ms, mtu: { forward: 576, reverse: 1500 } }")
            + "\ntrace: [queue]\n", "t.yaml");

        var result = ScenarioRunner.Run(scenario, _temporary.Path);

        // The initial window's ten 1500-byte packets meet r's 576-byte link: each is refused with a
        // Fragmentation Needed, the first of which brings the MSS to 576 - 40 - 12 (timestamps);
        // the ten go again cut in three, and every byte arrives.
        var flow = Assert.Single(result.Flows);
        Assert.Equal(300_000, flow.BytesDelivered);
        Assert.Equal("ok", flow.DeliveryCheck);
        Assert.Equal(524, flow.Mss);
        Assert.Equal(30, flow.Retransmissions);
        var refused = CsvTables.Read<LinkEventRow>(Path.Combine(_temporary.Path, "link_events.csv")).Where(e => e.Reason == "TooBig").ToList();
        Assert.Equal(10, refused.Count);
        Assert.All(refused, e => Assert.Equal(("r->b", 1448), (e.Link, e.Payload)));
    }

    /// <summary>
    /// scenarios/path-mtu.yaml: only the first flow meets the 1400-byte tunnel with 1500-byte
    /// packets; the second, opened after the client has learnt the path MTU, starts at 1348 bytes.
    /// </summary>
    [Fact]
    public void TheLearntPathMtuServesTheNextConnectionToTheSameServer()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("path-mtu.yaml")), _temporary.Path);
        var flows = result.Flows.ToDictionary(f => f.Flow);

        Assert.Equal((1348, 1348), (flows["first"].Mss, flows["second"].Mss));
        Assert.True(flows["first"].Retransmissions > 0);
        Assert.Equal(0, flows["second"].Retransmissions);
        var refused = CsvTables.Read<LinkEventRow>(Path.Combine(_temporary.Path, "link_events.csv")).Where(e => e.Reason == "TooBig").ToList();
        Assert.Equal(10, refused.Count);
        Assert.All(refused, e => Assert.Equal("r1->r2", e.Link));
        Assert.True(refused.Max(e => e.TimeSeconds) < 1);
    }

    [Fact]
    public void AHostBehindASmallerMtuAnnouncesAnMssThatFitsIt()
    {
        // a's link takes 1400-byte packets, so a announces 1360 (ipv4_default_advmss()) and b,
        // whose own link takes 1500, sends it 1348-byte segments that never need an ICMP error.
        var scenario = ScenarioParser.Parse(TwoHops.Replace("- { between: [a, r], rate: 10Mbps, delay: 5ms }", "- { between: [a, r], rate: 10Mbps, delay: 5ms, mtu: 1400 }")
            .Replace("from: a, to: b", "from: b, to: a") + "\ntrace: [queue]\n", "t.yaml");

        var result = ScenarioRunner.Run(scenario, _temporary.Path);

        var flow = Assert.Single(result.Flows);
        Assert.Equal(1348, flow.Mss);
        Assert.Equal(0, flow.Retransmissions);
        Assert.Empty(CsvTables.Read<LinkEventRow>(Path.Combine(_temporary.Path, "link_events.csv")));
    }

    [Fact]
    public void AnMtuBelowWherePathMtuDiscoveryStopsIsTheSendersConfigurationError()
    {
        var scenario = ScenarioParser.Parse(TwoHops.Replace("- { between: [r, b], rate: 10Mbps, delay: 5ms }", "- { between: [r, b], rate: 10Mbps, delay: 5ms, mtu: { forward: 500, reverse: 1500 } }"), "t.yaml");
        var error = Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(scenario, _temporary.Path));

        Assert.Contains("r->b", error.Problem);
        Assert.Contains("552", error.Problem);
        Assert.Contains("set tcp.mss to at most 460", error.Problem);
        Assert.False(Directory.Exists(_temporary.Path));
    }

    [Fact]
    public void AScheduledSegmentDropCostsExactlyOneRetransmissionOfThatSegment()
    {
        var scenario = ScenarioParser.Parse(TwoHops.Replace(
            "- { between: [r, b], rate: 10Mbps, delay: 5ms }",
            "- { between: [r, b], rate: 10Mbps, delay: 5ms, loss: { forward: { type: scheduled, segments: [{ flow: f, seq: 14481 }] } } }")
            + "\ntrace: [cwnd, queue]\n", "t.yaml");

        var result = ScenarioRunner.Run(scenario, _temporary.Path);

        var flow = Assert.Single(result.Flows);
        Assert.Equal(1, flow.Retransmissions);
        Assert.Equal(1, flow.FastRetransmits);
        var drop = Assert.Single(CsvTables.Read<LinkEventRow>(Path.Combine(_temporary.Path, "link_events.csv")));
        var retransmit = Assert.Single(CsvTables.Read<EventRow>(Path.Combine(_temporary.Path, "events.csv")), e => e.Event == "retransmit");
        Assert.Equal(("r->b", "ChannelLoss"), (drop.Link, drop.Reason));
        Assert.Equal(drop.Sequence, retransmit.Sequence);
    }

    [Fact]
    public void AScheduledDropMustNameAFlow()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(TwoHops.Replace(
            "- { between: [r, b], rate: 10Mbps, delay: 5ms }",
            "- { between: [r, b], rate: 10Mbps, delay: 5ms, loss: { type: scheduled, segments: [{ flow: g, seq: 1 }] } }"), "t.yaml"));
        Assert.Contains("no flow named 'g'", error.Problem);
        Assert.Equal("links[1].loss.segments[0].flow", error.Field);
    }

    [Fact]
    public void ARouterCannotEndAFlowOrRunSockOps()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(TwoHops.Replace("to: b", "to: r"), "t.yaml"));
        Assert.Contains("'r' is a router", error.Problem);
    }

    [Theory]
    [InlineData("dumbbell.yaml")]
    [InlineData("parking-lot.yaml")]
    [InlineData("lossy-wireless.yaml")]
    [InlineData("fq-codel.yaml")]
    [InlineData("long-fat-pipe.yaml")]
    public void EveryExampleScenarioRunsAndDeliversIntactStreams(string file)
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario(file)), _temporary.Path);
        Assert.All(result.Flows, f =>
        {
            Assert.Equal("ok", f.DeliveryCheck);
            Assert.True(f.BytesDelivered > 0, $"{f.Flow} delivered nothing");
        });
    }
}
