using NetSim.Reports;

namespace NetSim.Reports.Tests;

/// <summary>Results appear whole or not at all.</summary>
public sealed class ResultsDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"netsim-results-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void NothingIsLeftWhenARunFailsBeforeCommitting()
    {
        var destination = Path.Combine(_root, "run");
        using (var results = ResultsDirectory.Begin(destination))
        {
            File.WriteAllText(results.PathOf("flows.csv"), "partial");
        }

        Assert.False(Directory.Exists(destination));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void AFailedRunKeepsThePreviousResults()
    {
        var destination = Path.Combine(_root, "run");
        using (var results = ResultsDirectory.Begin(destination))
        {
            File.WriteAllText(results.PathOf("flows.csv"), "first");
            results.Commit();
        }

        using (var results = ResultsDirectory.Begin(destination))
        {
            File.WriteAllText(results.PathOf("flows.csv"), "second, unfinished");
        }

        Assert.Equal("first", File.ReadAllText(Path.Combine(destination, "flows.csv")));
        Assert.Single(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void ACommittedRunReplacesThePreviousOneWhole()
    {
        var destination = Path.Combine(_root, "run");
        using (var results = ResultsDirectory.Begin(destination))
        {
            File.WriteAllText(results.PathOf("old.csv"), "old");
            results.Commit();
        }

        using (var results = ResultsDirectory.Begin(destination))
        {
            File.WriteAllText(results.PathOf("new.csv"), "new");
            results.Commit();
        }

        Assert.Equal(["new.csv"], Directory.EnumerateFiles(destination).Select(Path.GetFileName));
        Assert.Single(Directory.EnumerateFileSystemEntries(_root));
    }
}
