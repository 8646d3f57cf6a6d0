namespace NetSim.Cli.Tests;

public sealed class SweepCommandTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"netsim-sweep-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void TheExampleSweepPrintsEachPointAndWritesTheTablesAndFigures()
    {
        var (exit, output, _) = Netsim.Run("sweep", "scenarios/sweep-loss-vs-cc.yaml", "--output", _output, "--jobs", "2");

        Assert.Equal(0, exit);
        Assert.Contains("48 runs (48 run now, 0 already done)", output);
        Assert.Contains("95% CI", output);
        Assert.True(File.Exists(Path.Combine(_output, "summary.csv")));
        Assert.True(File.Exists(Path.Combine(_output, "sweep-total_goodput_mbps-vs-links_0__loss_forward_p.svg")));

        var (again, quiet, _) = Netsim.Run("sweep", "scenarios/sweep-loss-vs-cc.yaml", "--output", _output, "--quiet");
        Assert.Equal((0, _output), (again, quiet.Trim()));
    }

    [Fact]
    public void ABadSweepOrJobCountExitsWithTwo()
    {
        var (exit, _, errors) = Netsim.Run("sweep", "scenarios/quickstart.yaml", "--output", _output);
        var (jobs, _, jobErrors) = Netsim.Run("sweep", "scenarios/sweep-loss-vs-cc.yaml", "--output", _output, "--jobs", "0");

        Assert.Equal(2, exit);
        Assert.Contains("quickstart.yaml", errors);
        Assert.Contains("no sweep section", errors);
        Assert.Equal(2, jobs);
        Assert.Contains("--jobs", jobErrors);
        Assert.False(Directory.Exists(_output));
    }
}
