using System.Diagnostics;
using System.Text.Json;

namespace NetSim.Cli.Tests;

/// <summary>
/// src/NativeBench publishes ahead of time and, as <c>netsim bench --runner</c>, simulates exactly
/// what netsim's own child does: the same events, transmissions and bytes delivered.
/// </summary>
[Collection(ReleaseBuildCollection.Name)]
public sealed class NativeRunnerTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"netsim-native-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    [Fact]
    [Trait("Category", "Validation")]
    public void TheNativeRunnerSimulatesWhatTheJitChildDoesAndRefusesCSharpPrograms()
    {
        var (publish, publishOutput) = Dotnet.Run(Netsim.RepositoryRoot, "publish", "src/NativeBench", "-c", "Release", "-o", _work);
        Assert.True(publish == 0, publishOutput);
        var runner = Path.Combine(_work, "netsim-bench-case");

        var native = Bench("--runner", runner);
        var jit = Bench();

        Assert.Equal(["s1-single-flow rfc5681", "s1-single-flow cubic"], native.Select(m => m.Name));
        Assert.Equal(jit.Select(m => (m.Name, m.Events, m.Packets, m.Delivered)), native.Select(m => (m.Name, m.Events, m.Packets, m.Delivered)));
        Assert.All(native, m => Assert.True(m.Delivered > 100_000_000, $"{m.Name} delivered {m.Delivered} bytes"));

        var (exit, output, errors) = ChildProcess.Run(new ProcessStartInfo(runner, ["scenarios/sockops-rto-storm.yaml", "0"]) { WorkingDirectory = Netsim.RepositoryRoot });
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Contains("hooks/rto_storm.cs:1:1: sockops[0].program: a C# program is compiled and loaded at run time", errors);
    }

    private static List<(string Name, long Events, long Packets, long Delivered)> Bench(params string[] runner)
    {
        var (exit, output, errors) = Netsim.Run(["bench", "bench/scenarios/s1-single-flow.yaml", "--repeat", "1", "--json", .. runner]);
        Assert.True(exit == 0, errors);
        using var json = JsonDocument.Parse(output);
        return [.. json.RootElement.EnumerateArray().Select(c => (
            c.GetProperty("name").GetString()!,
            c.GetProperty("events").GetInt64(),
            c.GetProperty("packets_forwarded").GetInt64(),
            c.GetProperty("bytes_delivered").GetInt64()))];
    }
}
