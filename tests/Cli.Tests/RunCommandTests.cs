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

        var (exit, _, errors) = Netsim.Run("run", scenario, "--output", results);

        Assert.Equal(2, exit);
        Assert.Contains($"{scenario}:", errors);
        Assert.Contains("links[0].loss.p", errors);
        Assert.Contains("outside [0, 1]", errors);
        Assert.False(Directory.Exists(results));
    }

    [Fact]
    public void AMissingScenarioFileIsBadInput()
    {
        var (exit, _, errors) = Netsim.Run("run", "scenarios/does-not-exist.yaml");
        Assert.Equal(2, exit);
        Assert.Contains("no such file", errors);
    }

    [Fact]
    public void ValidateAcceptsAGoodScenarioAndWritesNothing()
    {
        Directory.CreateDirectory(_output);
        var name = $"validate-{Guid.NewGuid():N}";
        var scenario = Path.Combine(_output, "parking-lot.yaml");
        File.WriteAllText(scenario, File.ReadAllText(Path.Combine(Netsim.RepositoryRoot, "scenarios", "parking-lot.yaml"))
            .Replace("name: parking-lot", $"name: {name}"));

        var (exit, output, _) = Netsim.Run("validate", scenario);

        Assert.Equal(0, exit);
        Assert.Contains("8 hosts, 4 routers, 11 links, 4 flows", output);
        Assert.False(Directory.Exists(Path.Combine(Netsim.RepositoryRoot, "results", name)));
    }

    [Fact]
    public void ValidateReportsAPathMtuProblemAtTheFlow()
    {
        Directory.CreateDirectory(_output);
        var scenario = Path.Combine(_output, "mtu.yaml");
        File.WriteAllText(scenario, """
            name: mtu
            duration: 1s
            hosts: [a, b]
            routers: [r]
            links:
              - { between: [a, r], rate: 10Mbps, delay: 1ms }
              - { between: [r, b], rate: 10Mbps, delay: 1ms, mtu: { forward: 500, reverse: 1500 } }
            flows:
              - { name: f, from: a, to: b, app: { type: bulk } }
            """);

        var (exit, _, errors) = Netsim.Run("validate", scenario);

        Assert.Equal(2, exit);
        Assert.Contains($"{scenario}:9:13: flows[0].name:", errors);
        Assert.Contains("set tcp.mss to at most 460", errors);
    }

    [Fact]
    public void ProgramsListsTheBuiltInPrograms()
    {
        var (exit, output, _) = Netsim.Run("programs");
        Assert.Equal(0, exit);
        Assert.Contains("builtin:watch", output);
    }
}
