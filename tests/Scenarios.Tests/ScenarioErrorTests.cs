namespace NetSim.Scenarios.Tests;

/// <summary>Bad input fails with the file, line, column and field, before anything runs.</summary>
public class ScenarioErrorTests
{
    private const string Valid = """
        name: t
        duration: 1s
        hosts: [a, b]
        links:
          - between: [a, b]
            rate: 10Mbps
            delay: 20ms
            loss: { type: bernoulli, p: 1% }
        flows:
          - { name: f, from: a, to: b, app: { type: bulk } }
        sockops:
          - program: builtin:watch
            attach: { hosts: [a] }
            params: { flags: [RTO, RTT], rtt_samples: 5 }
        """;

    private static ScenarioException Fails(string yaml) =>
        Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(yaml, "bad.yaml"));

    [Fact]
    public void TheValidScenarioParses()
    {
        var scenario = ScenarioParser.Parse(Valid, "ok.yaml");
        Assert.Equal(10_000_000, scenario.Links[0].Forward.RateBitsPerSecond);
        Assert.Equal(0.01, Assert.IsType<Model.BernoulliSpec>(scenario.Links[0].Reverse.Loss).P, 12);
    }

    [Fact]
    public void AnUnknownKeyIsNamedWithItsLineAndTheNearestValidName()
    {
        var error = Fails(Valid.Replace("    delay: 20ms", "    dealy: 20ms"));
        Assert.Equal("bad.yaml", error.File);
        Assert.Equal(7, error.Line);
        Assert.Equal(5, error.Column);
        Assert.Equal("links[0].dealy", error.Field);
        Assert.Contains("did you mean 'delay'?", error.Problem);
        Assert.StartsWith("bad.yaml:7:5: links[0].dealy:", error.Message);
    }

    /// <summary>
    /// Text YamlDotNet's scanner gives up on without a YAML error of its own (a '#' inside a flow
    /// sequence, as a mutated file had it) is still a syntax error at its line, not a crash.
    /// </summary>
    [Fact]
    public void YamlTheScannerCannotReadIsASyntaxErrorAtItsLine()
    {
        var error = Fails(Valid.Replace("hosts: [a, b]", "hosts: [a, #, b]"));
        Assert.Equal("(syntax)", error.Field);
        Assert.Equal(3, error.Line);
        Assert.StartsWith("bad.yaml:3:", error.Message);
    }

    [Fact]
    public void ANegativeRateIsRefusedAtItsValue()
    {
        var error = Fails(Valid.Replace("rate: 10Mbps", "rate: -10Mbps"));
        Assert.Equal((6L, 11L, "links[0].rate"), (error.Line, error.Column, error.Field));
    }

    [Fact]
    public void ALossOutsideZeroToOneIsRefused()
    {
        var error = Fails(Valid.Replace("p: 1%", "p: 150%"));
        Assert.Equal((8L, "links[0].loss.p"), (error.Line, error.Field));
        Assert.Contains("outside [0, 1]", error.Problem);
    }

    [Theory]
    [InlineData("p: 1%", 100L)]
    [InlineData("every: 250", 250L)]
    [InlineData("p: 0.3%", 333L)]
    public void APeriodicLossTakesARateOrAPeriod(string field, long period)
    {
        var scenario = ScenarioParser.Parse(Valid.Replace("type: bernoulli, p: 1%", "type: periodic, " + field), "ok.yaml");
        Assert.Equal(period, Assert.IsType<Model.PeriodicSpec>(scenario.Links[0].Forward.Loss).Period);
    }

    [Fact]
    public void APeriodicLossWithBothARateAndAPeriodIsRefused()
    {
        var error = Fails(Valid.Replace("type: bernoulli, p: 1%", "type: periodic, p: 1%, every: 100"));
        Assert.Equal((8L, "links[0].loss.every"), (error.Line, error.Field));
        Assert.Contains("either p or every", error.Problem);
    }

    [Fact]
    public void AThresholdQueueMarksBelowItsLimit()
    {
        var scenario = ScenarioParser.Parse(Valid.Replace("delay: 20ms", "delay: 20ms\n    queue: { type: threshold, k: 20, limit: 200 }"), "ok.yaml");
        Assert.Equal(new Model.ThresholdSpec(20, 200), scenario.Links[0].Forward.Queue);

        var error = Fails(Valid.Replace("delay: 20ms", "delay: 20ms\n    queue: { type: threshold, k: 200, limit: 200 }"));
        Assert.Equal("links[0].queue.k", error.Field);
    }

    [Fact]
    public void AnEcnModeOutsideLinuxsTcpEcnValuesIsRefused()
    {
        var error = Fails(Valid.Replace("flows:", "defaults: { ecn: 6 }\nflows:"));
        Assert.Equal("defaults.ecn", error.Field);
        Assert.Contains("tcp_ecn is 0", error.Problem);
    }

    [Fact]
    public void ShrinkWindowReachesTheConnectionSettings()
    {
        var scenario = ScenarioParser.Parse(Valid.Replace("flows:", "defaults: { shrink_window: true }\nflows:"), "ok.yaml");
        Assert.True(scenario.Flows[0].Tcp.ShrinkWindow);
        Assert.False(ScenarioParser.Parse(Valid, "ok.yaml").Flows[0].Tcp.ShrinkWindow);
    }

    [Fact]
    public void SmallQueuesReachTheConnectionSettings()
    {
        var scenario = ScenarioParser.Parse(Valid.Replace("flows:", "defaults: { small_queues: true, limit_output_bytes: 1MiB }\nflows:"), "ok.yaml");
        Assert.True(scenario.Flows[0].Tcp.SmallQueueThrottling);
        Assert.Equal(1 << 20, scenario.Flows[0].Tcp.LimitOutputBytes);
        var defaults = ScenarioParser.Parse(Valid, "ok.yaml").Flows[0].Tcp;
        Assert.False(defaults.SmallQueueThrottling);
        Assert.Equal(4 << 20, defaults.LimitOutputBytes);
    }

    [Fact]
    public void AnMtuProbingModeOutsideLinuxsValuesIsRefused()
    {
        var error = Fails(Valid.Replace("flows:", "defaults: { mtu_probing: 3 }\nflows:"));
        Assert.Equal("defaults.mtu_probing", error.Field);
        Assert.Contains("tcp_mtu_probing is 0", error.Problem);
    }

    [Theory]
    [InlineData("tw_reuse: 3", "tw_reuse", "tcp_tw_reuse is 0")]
    [InlineData("tw_reuse_delay: 0ms", "tw_reuse_delay", "whole milliseconds from 1ms to 60s")]
    [InlineData("tw_reuse_delay: 1500us", "tw_reuse_delay", "whole milliseconds from 1ms to 60s")]
    [InlineData("tw_reuse_delay: 61s", "tw_reuse_delay", "whole milliseconds from 1ms to 60s")]
    [InlineData("local_port_range: 50000", "local_port_range", "write LOW-HIGH")]
    [InlineData("local_port_range: 1000-2000", "local_port_range", "write LOW-HIGH")]
    [InlineData("local_port_range: 3000-2000", "local_port_range", "write LOW-HIGH")]
    [InlineData("local_port_range: 3000-70000", "local_port_range", "write LOW-HIGH")]
    [InlineData("syn_cookies: 3", "syn_cookies", "as tcp_syncookies")]
    [InlineData("shrink_window: 1", "shrink_window", "'1' is not true or false")]
    [InlineData("small_queues: yes please", "small_queues", "is not true or false")]
    [InlineData("limit_output_bytes: 0", "limit_output_bytes", "positive")]
    public void AConnectionSettingLinuxWouldRefuseIsRefused(string setting, string field, string problem)
    {
        var error = Fails(Valid.Replace("flows:", $"defaults: {{ {setting} }}\nflows:"));
        Assert.Equal($"defaults.{field}", error.Field);
        Assert.Contains(problem, error.Problem);
    }

    [Theory]
    [InlineData("to: b, app: { type: syn_flood, target: nowhere, syns_per_second: 100 }", "flows[1].app.target", "no flow named 'nowhere'")]
    [InlineData("to: b, app: { type: syn_flood, target: flood, syns_per_second: 100 }", "flows[1].app.target", "is a flood itself")]
    [InlineData("to: a, app: { type: syn_flood, target: f, syns_per_second: 100 }", "flows[1].app.target", "ends at b, but the flood goes to a")]
    [InlineData("to: b, app: { type: syn_flood, target: f, syns_per_second: 0 }", "flows[1].app.syns_per_second", "above 0")]
    [InlineData("to: b, app: { type: syn_flood, target: f }", "flows[1].app.syns_per_second", "missing required field")]
    public void ASynFloodNeedsAListenerToAimAtAndARate(string flood, string field, string problem)
    {
        var from = flood.StartsWith("to: a", StringComparison.Ordinal) ? "b" : "a";
        var error = Fails(Valid.Replace(
            "  - { name: f, from: a, to: b, app: { type: bulk } }\n",
            $"  - {{ name: f, from: a, to: b, app: {{ type: bulk }} }}\n  - {{ name: flood, from: {from}, {flood} }}\n"));
        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100001")]
    public void ParallelConnectionsOutsideOneTo100000AreRefused(string connections)
    {
        var error = Fails(Valid.Replace("app: { type: bulk }", $"app: {{ type: request_response, request: 1KB, response: 1KB, connections: {connections} }}"));
        Assert.Equal("flows[0].app.connections", error.Field);
        Assert.Contains("from 1 to 100000", error.Problem);
    }

    [Fact]
    public void ACloserWithoutConnectionsPerRequestIsRefused()
    {
        var error = Fails(Valid.Replace("app: { type: bulk }", "app: { type: request_response, request: 1KB, response: 1KB, close: server }"));
        Assert.Equal("flows[0].app.close", error.Field);
        Assert.Contains("add connection: per_request", error.Problem);
    }

    [Fact]
    public void AnUnknownConnectionModeIsNamedWithTheNearestOne()
    {
        var error = Fails(Valid.Replace("app: { type: bulk }", "app: { type: request_response, request: 1KB, response: 1KB, connection: per_requests }"));
        Assert.Equal("flows[0].app.connection", error.Field);
        Assert.Contains("did you mean 'per_request'", error.Problem);
    }

    [Fact]
    public void AnAccEcnOptionModeOutsideLinuxsValuesIsRefused()
    {
        var error = Fails(Valid.Replace("flows:", "defaults: { ecn: 3, ecn_option: 4 }\nflows:"));
        Assert.Equal("defaults.ecn_option", error.Field);
        Assert.Contains("tcp_ecn_option is 0", error.Problem);
    }

    [Fact]
    public void AMissingFieldIsNamed()
    {
        var error = Fails(Valid.Replace("    rate: 10Mbps\n", string.Empty));
        Assert.Equal("links[0].rate", error.Field);
        Assert.Contains("missing required field", error.Problem);
    }

    [Fact]
    public void AnUnknownProgramListsTheBuiltIns()
    {
        var error = Fails(Valid.Replace("builtin:watch", "builtin:wach"));
        Assert.Equal((12L, "sockops[0].program"), (error.Line, error.Field));
        Assert.Contains("did you mean 'builtin:watch'?", error.Problem);
    }

    [Fact]
    public void AnUnknownCallbackFlagListsTheValidOnes()
    {
        var error = Fails(Valid.Replace("[RTO, RTT]", "[RTO, RTTT]"));
        Assert.Equal("sockops[0].params.flags[1]", error.Field);
        Assert.Contains("valid: RTO, RETRANS, STATE, RTT", error.Problem);
    }

    [Fact]
    public void AFlagTheModelledKernelLacksIsRefused()
    {
        var error = Fails(Valid.Replace("duration: 1s", "duration: 1s\nkernel: { version: \"4.16\" }"));
        Assert.Contains("Linux 4.16 has no RTT callback flag", error.Problem);
    }

    [Fact]
    public void AnUnknownHostIsRefusedWithASuggestion()
    {
        var error = Fails(Valid.Replace("from: a, to: b", "from: a, to: c"));
        Assert.Equal("flows[0].to", error.Field);
        Assert.Contains("no host or router named 'c'", error.Problem);
    }

    [Fact]
    public void BrokenYamlIsLocated()
    {
        var error = Fails("name: t\nduration: [1s\n");
        Assert.Equal("(syntax)", error.Field);
        Assert.True(error.Line >= 2);
    }

    [Fact]
    public void AMissingFileIsReported()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.ParseFile("/no/such/scenario.yaml"));
        Assert.Equal("no such file", error.Problem);
    }
}
