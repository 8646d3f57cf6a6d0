using System.Text.Json;

namespace NetSim.Cli.Tests;

/// <summary>--json: one JSON object on standard output, for scripts.</summary>
public sealed class JsonOutputTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"netsim-json-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }

    [Fact]
    public void RunPrintsTheFlowsAndTheResultsFolder()
    {
        var (exit, output, _) = Netsim.Run("run", "scenarios/quickstart.yaml", "--output", _output, "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(_output, json.RootElement.GetProperty("results").GetString());
        var flow = Assert.Single(json.RootElement.GetProperty("flows").EnumerateArray());
        var table = File.ReadAllLines(Path.Combine(_output, "flows.csv"));
        var column = Array.IndexOf(table[0].Split(','), "bytes_delivered");
        Assert.True(flow.GetProperty("bytes_delivered").GetInt64() > 0);
        Assert.Equal(long.Parse(table[1].Split(',')[column], System.Globalization.CultureInfo.InvariantCulture), flow.GetProperty("bytes_delivered").GetInt64());
        Assert.Contains(json.RootElement.GetProperty("files").EnumerateArray(), f => f.GetString() == "manifest.json");
    }

    [Fact]
    public void ValidateReportsAnErrorWithItsPlace()
    {
        Directory.CreateDirectory(_output);
        var bad = Path.Combine(_output, "bad.yaml");
        File.WriteAllText(bad, File.ReadAllText(Path.Combine(Netsim.RepositoryRoot, "scenarios", "quickstart.yaml")).Replace("delay: 20ms", "dealy: 20ms", StringComparison.Ordinal));

        var (exit, output, _) = Netsim.Run("validate", bad, "--json");

        Assert.Equal(2, exit);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(bad, json.RootElement.GetProperty("file").GetString());
        Assert.Equal("links[0].dealy", json.RootElement.GetProperty("field").GetString());
        Assert.True(json.RootElement.GetProperty("line").GetInt64() > 1);
    }
}
