namespace NetSim.Scenarios.Tests;

/// <summary>A scenario that fails validation leaves no results behind.</summary>
public sealed class FailedRunTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public void AScenarioThatFailsValidationWritesNothing()
    {
        var bad = Path.Combine(_temporary.Path, "bad.yaml");
        Directory.CreateDirectory(_temporary.Path);
        File.WriteAllText(bad, File.ReadAllText(Repository.Scenario("quickstart.yaml")).Replace("rate: 10Mbps", "rate: -10Mbps"));

        Assert.Throws<ScenarioException>(() => ScenarioRunner.Run(ScenarioParser.ParseFile(bad), Path.Combine(_temporary.Path, "out")));
        Assert.False(Directory.Exists(Path.Combine(_temporary.Path, "out")));
    }
}
