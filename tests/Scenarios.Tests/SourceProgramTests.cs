namespace NetSim.Scenarios.Tests;

/// <summary>sock_ops programs compiled from C# source named in the scenario (file:PATH.cs).</summary>
public sealed class SourceProgramTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public SourceProgramTests() => Directory.CreateDirectory(_temporary.Path);

    public void Dispose() => _temporary.Dispose();

    private string Scenario(string program, string parameters = "{}") => $$"""
        name: source-program
        duration: 2s
        hosts: [a, b]
        links:
          - { between: [a, b], rate: 10Mbps, delay: 10ms }
        flows:
          - { name: f, from: a, to: b, app: { type: bulk, bytes: 100000 } }
        sockops:
          - program: file:{{program}}
            attach: { hosts: [a] }
            params: {{parameters}}
        trace: [sockops]
        """;

    private Model.Scenario Parse(string source, string parameters = "{}")
    {
        File.WriteAllText(_temporary.Combine("program.cs"), source);
        var yaml = _temporary.Combine("scenario.yaml");
        File.WriteAllText(yaml, Scenario("program.cs", parameters));
        return ScenarioParser.ParseFile(yaml);
    }

    [Fact]
    public void TheExampleSwitchesOnlyTheDistantConnectionToBbr()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("sockops-switch-on-high-rtt.yaml")), _temporary.Combine("out"));

        Assert.Contains("sockops.png", result.Files);
        Assert.True(new FileInfo(Path.Combine(result.OutputDirectory, "sockops.svg")).Length > 0);
        var calls = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops.csv")).Where(l => l.Contains("setsockopt", StringComparison.Ordinal)).ToList();
        var call = Assert.Single(calls);
        Assert.Contains(",far,far,12,BPF_SOCK_OPS_RTT_CB,", call, StringComparison.Ordinal);
        Assert.Contains("setsockopt(SOL_TCP, TCP_CONGESTION, \"\"bbr\"\")=0 output cb_flags_set(0x0)=0", call, StringComparison.Ordinal);

        // bpf_output()'s record, in the run's results.
        var output = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops_output.csv"));
        Assert.Equal("time_s,flow,host,op_name,program,record", output[0]);
        var record = Assert.Single(output.Skip(1));
        Assert.Matches(@"^[0-9.]+,far,far,BPF_SOCK_OPS_RTT_CB,switch_on_high_rtt,srtt [0-9]+ us: switched \(setsockopt returned 0\)$", record);
    }

    [Fact]
    public void ACompileErrorNamesTheSourceFileLineAndColumnAndNoRunStarts()
    {
        var error = Assert.Throws<ScenarioException>(() => Parse("""
            public sealed class Broken : SockOpsProgram
            {
                public override string Name => "broken";

                public override int Run(SockOpsContext skops)
                {
                    return skops.no_such_field;
                }
            }
            """));

        Assert.Equal(_temporary.Combine("program.cs"), error.File);
        Assert.Equal((7L, 22L), (error.Line, error.Column));
        Assert.Equal("sockops[0].program", error.Field);
        Assert.Contains("CS1061", error.Problem);
    }

    [Fact]
    public void AFileWithoutAProgramOrWithParamsItCannotTakeIsRefused()
    {
        Assert.Contains("no class derives from SockOpsProgram", Assert.Throws<ScenarioException>(() => Parse("public sealed class Nothing { }")).Problem);
        var plain = """
            public sealed class Plain : SockOpsProgram
            {
                public override string Name => "plain";

                public override int Run(SockOpsContext skops) => 1;
            }
            """;
        Assert.Contains("takes no params", Assert.Throws<ScenarioException>(() => Parse(plain, "{ x: 1 }")).Problem);
    }

    [Fact]
    public void AProgramThatThrowsIsLoggedWithItsOpAndTheRunGoesOn()
    {
        var scenario = Parse("""
            public sealed class Thrower : SockOpsProgram
            {
                private readonly string _message;

                public Thrower(IReadOnlyDictionary<string, string> parameters) => _message = parameters["message"];

                public override string Name => "thrower";

                public override int Run(SockOpsContext skops) =>
                    skops.op == BPF_SOCK_OPS_TIMEOUT_INIT ? throw new InvalidOperationException(_message) : 1;
            }
            """, "{ message: boom }");

        var result = ScenarioRunner.Run(scenario, _temporary.Combine("out"));

        Assert.Equal(100_000, Assert.Single(result.Flows).BytesDelivered);
        var line = Assert.Single(File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops.csv")), l => l.Contains("BPF_SOCK_OPS_TIMEOUT_INIT", StringComparison.Ordinal));
        Assert.Contains("thrower: InvalidOperationException: boom", line, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOnErrorStopAThrowingProgramStopsTheRunAndLeavesNoResults()
    {
        File.WriteAllText(_temporary.Combine("program.cs"), """
            public sealed class Thrower : SockOpsProgram
            {
                public override string Name => "thrower";

                public override int Run(SockOpsContext skops) =>
                    skops.op == BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB ? throw new InvalidOperationException("boom") : 1;
            }
            """);
        var yaml = _temporary.Combine("scenario.yaml");
        File.WriteAllText(yaml, Scenario("program.cs").Replace("params: {}", "on_error: stop", StringComparison.Ordinal));
        var output = _temporary.Combine("out");

        var error = Assert.Throws<SockOps.SockOpsProgramException>(() => ScenarioRunner.Run(ScenarioParser.ParseFile(yaml), output));

        Assert.Contains("thrower failed in ActiveEstablishedCb on", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: boom", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void AnUnknownOnErrorChoiceIsRefusedWithTheValidOnes()
    {
        File.WriteAllText(_temporary.Combine("program.cs"), "public sealed class P : SockOpsProgram { public override string Name => \"p\"; public override int Run(SockOpsContext skops) => 1; }");
        var yaml = _temporary.Combine("scenario.yaml");
        File.WriteAllText(yaml, Scenario("program.cs").Replace("params: {}", "on_error: halt", StringComparison.Ordinal));

        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.ParseFile(yaml));

        Assert.Contains("on_error", error.Message, StringComparison.Ordinal);
        Assert.Contains("valid: continue, stop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramsOnDifferentHostsShareAMapByName()
    {
        File.WriteAllText(_temporary.Combine("program.cs"), """
            public sealed class Count : SockOpsProgram
            {
                private sealed class Counter
                {
                    public long Value;
                }

                public override string Name => "count";

                public override int Run(SockOpsContext skops)
                {
                    if (skops.op is BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB or BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
                    {
                        var counter = skops.Maps.Array<Counter>("established", 1).bpf_map_lookup_elem(0)!;
                        counter.Value++;
                        skops.bpf_output($"established {counter.Value}");
                    }

                    return 1;
                }
            }
            """);
        var yaml = _temporary.Combine("scenario.yaml");
        File.WriteAllText(yaml, Scenario("program.cs").Replace("attach: { hosts: [a] }", "attach: { hosts: [a, b] }", StringComparison.Ordinal));

        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(yaml), _temporary.Combine("out"));

        var records = File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops_output.csv")).Skip(1).Select(l => l.Split(',')[^1]).ToList();
        Assert.Equal(["established 1", "established 2"], records);
    }
}
