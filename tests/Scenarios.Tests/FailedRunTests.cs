namespace NetSim.Scenarios.Tests;

/// <summary>A scenario that fails validation leaves no results behind.</summary>
public sealed class FailedRunTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"netsim-failed-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void AScenarioThatFailsValidationWritesNothing()
    {
        var bad = Path.Combine(_root, "bad.yaml");
        Directory.CreateDirectory(_root);
        File.WriteAllText(bad, File.ReadAllText(Repository.Scenario("quickstart.yaml")).Replace("rate: 10Mbps", "rate: -10Mbps"));

        Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(ScenarioParser.ParseFile(bad), Path.Combine(_root, "out")));
        Assert.False(Directory.Exists(Path.Combine(_root, "out")));
    }
}
