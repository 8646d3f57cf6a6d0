namespace NetSim.Scenarios.Tests;

/// <summary>Every example scenario under scenarios/ runs to the end, and every flow's bytes arrive once, in order, where they were written.</summary>
public sealed class ExampleScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    public static TheoryData<string> Scenarios()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repository.Root, "scenarios"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void RunsAndDeliversEveryFlowIntact(string scenario)
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario(scenario)), _temporary.Path);

        Assert.NotEmpty(result.Flows);
        Assert.All(result.Flows, flow =>
        {
            Assert.Equal("ok", flow.DeliveryCheck);
            if (Stalled.Contains((scenario, flow.Flow)))
            {
                Assert.Equal(0, flow.BytesDelivered);
            }
            else
            {
                Assert.True(flow.BytesDelivered > 0, $"{flow.Flow} delivered nothing");
            }
        });
    }

    /// <summary>
    /// Flows an example shows delivering nothing: pmtud-black-hole.yaml's sender without MTU
    /// probing, and syn-flood.yaml's floods, which open no connection.
    /// </summary>
    private static readonly HashSet<(string Scenario, string Flow)> Stalled =
        [("pmtud-black-hole.yaml", "classic"), ("syn-flood.yaml", "flood1"), ("syn-flood.yaml", "flood2")];
}
