using System.Diagnostics;
using NetSim.Scenarios.Benchmarks;

namespace NetSim.Scenarios.Tests;

public sealed class PeakWorkingSetTests
{
    [Fact]
    public void ReadsThePeakTheOperatingSystemReports()
    {
        // The peak only grows: read through Process before and after, ours lies between.
        using var process = Process.GetCurrentProcess();
        var before = process.PeakWorkingSet64;
        var peak = PeakWorkingSet.OfThisProcess();
        process.Refresh();
        var after = process.PeakWorkingSet64;

        Assert.InRange(peak, before, after);
        Assert.True(peak > 1_000_000, $"{peak} bytes is not a .NET process's peak");
    }
}
