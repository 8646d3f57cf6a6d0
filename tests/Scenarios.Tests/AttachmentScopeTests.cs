namespace NetSim.Scenarios.Tests;

/// <summary>Programs attached to groups of sockets narrower than a host: by flow or by port.</summary>
public sealed class AttachmentScopeTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    private static string Scenario(string attach) => $$"""
        name: scope
        duration: 2s
        hosts: [a, b]
        links:
          - { between: [a, b], rate: 10Mbps, delay: 10ms }
        flows:
          - { name: first, from: a, to: b, app: { type: bulk, bytes: 50000 } }
          - { name: second, from: a, to: b, app: { type: bulk, bytes: 50000 } }
        sockops:
          - program: builtin:watch
            attach: {{attach}}
            params: { flags: [STATE] }
        trace: [sockops]
        """;

    private List<string[]> Invocations(string attach)
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse(Scenario(attach), "scope.yaml"), _temporary.Combine(Guid.NewGuid().ToString("N")));
        return [.. File.ReadAllLines(Path.Combine(result.OutputDirectory, "sockops.csv")).Skip(1).Select(l => l.Split(','))];
    }

    [Fact]
    public void AFlowAttachmentRunsOnlyOnThatFlowsSocketsAtBothEndsAndSaysSo()
    {
        var rows = Invocations("{ flows: [second] }");

        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("second", r[1]));
        Assert.Contains(rows, r => r[2] == "a");
        Assert.Contains(rows, r => r[2] == "b");
        Assert.All(rows, r => Assert.StartsWith($"host:{r[2]} port:5002", r[11], StringComparison.Ordinal));
    }

    [Fact]
    public void AHostAttachmentRunsOnEverySocketOfTheHost()
    {
        var rows = Invocations("{ hosts: [a] }");

        Assert.Equal(["first", "second"], rows.Select(r => r[1]).Distinct().Order());
        Assert.All(rows, r => Assert.Equal("host:a", r[11]));
    }

    [Fact]
    public void AnUnknownFlowIsNamedWithTheValidOnes()
    {
        var error = Assert.Throws<ScenarioException>(() => ScenarioParser.Parse(Scenario("{ flows: [secnd] }"), "scope.yaml"));

        Assert.Equal("sockops[0].attach.flows[0]", error.Field);
        Assert.Contains("did you mean 'second'?", error.Problem);
    }
}
