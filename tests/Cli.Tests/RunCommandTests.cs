namespace NetSim.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"netsim-cli-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void RunningTheQuickstartPrintsTheSummaryAndWhereTheResultsAre()
    {
        var (exit, output, _) = Netsim.Run("run", "scenarios/quickstart.yaml", "--output", _output);

        Assert.Equal(0, exit);
        Assert.Contains("quickstart", output);
        Assert.Contains("BPF_SOCK_OPS_RTO_CB", output);
        Assert.Contains(_output, output);
        Assert.True(File.Exists(Path.Combine(_output, "cwnd.png")));
    }

    [Fact]
    public void QuietModePrintsOnlyTheResultsFolder()
    {
        var (exit, output, _) = Netsim.Run("run", "scenarios/quickstart.yaml", "--output", _output, "--quiet");

        Assert.Equal(0, exit);
        Assert.Equal(_output, output.Trim());
    }

    [Fact]
    public void BadInputExitsWithTwoNamingFileLineAndFieldAndWritesNothing()
    {
        Directory.CreateDirectory(_output);
        var scenario = Path.Combine(_output, "bad.yaml");
        File.WriteAllText(scenario, File.ReadAllText(Path.Combine(Netsim.RepositoryRoot, "scenarios", "quickstart.yaml"))
            .Replace("p: 1%", "p: 150%"));
        var results = Path.Combine(_output, "results");

        var (exit, output, _) = Netsim.Run("run", scenario, "--output", results);

        Assert.Equal(2, exit);
        Assert.Contains($"{scenario}:", output);
        Assert.Contains("links[0].loss.p", output);
        Assert.Contains("outside [0, 1]", output);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void AMissingScenarioFileIsBadInput()
    {
        var (exit, output, _) = Netsim.Run("run", "scenarios/does-not-exist.yaml");
        Assert.Equal(2, exit);
        Assert.Contains("no such file", output);
    }

    [Fact]
    public void ProgramsListsTheBuiltInPrograms()
    {
        var (exit, output, _) = Netsim.Run("programs");
        Assert.Equal(0, exit);
        Assert.Contains("builtin:watch", output);
    }
}
