using System.Diagnostics;
using NetSim.Reports;
using NetSim.Scenarios.Model;
using NetSim.Scenarios.Sweeps;

namespace NetSim.Scenarios.Benchmarks;

/// <summary>
/// One benchmark case: a scenario (or one point of its sweep, first seed) built and run to its end
/// with nothing traced and no results written, timed around the simulation alone. The best of the
/// repeats is kept; peak memory is the process's, so each case runs in a process of its own.
/// </summary>
public static class BenchmarkCase
{
    /// <summary>What one case measured.</summary>
    public sealed record Measurement(string Name, double WallSeconds, double SimulatedSeconds, long Events, long PacketsForwarded, long PeakMemoryBytes)
    {
        public double EventsPerSecond => Events / WallSeconds;

        public double PacketsPerSecond => PacketsForwarded / WallSeconds;
    }

    /// <summary>The cases of a file: the scenario, or each point of its sweep with the first seed, named by its values.</summary>
    public static IReadOnlyList<(string Name, Scenario Scenario)> Cases(string path)
    {
        if (!SweepParser.Declares(path))
        {
            var scenario = ScenarioParser.ParseFile(path);
            return [(scenario.Name, scenario)];
        }

        var sweep = SweepParser.ParseFile(path);
        return [.. sweep.Runs.Where(r => r.Seed == sweep.Runs[0].Seed).Select(r => ($"{sweep.Name} {string.Join(" ", r.Values)}", r.Scenario))];
    }

    /// <summary>Runs the case <paramref name="repeats"/> times in this process; the fastest run's figures and the process's peak memory.</summary>
    public static Measurement Run(string name, Func<Scenario> scenario, int repeats)
    {
        Measurement? best = null;
        for (var i = 0; i < repeats; i++)
        {
            var run = scenario();
            var built = ScenarioBuilder.Build(run, new RunRecorder(new RecorderOptions(false, false, false, false)));
            var wall = Stopwatch.StartNew();
            built.Simulation.Run(run.Duration);
            wall.Stop();
            var packets = built.Network.Links.Sum(l => l.Forward.Statistics.PacketsTransmitted + l.Reverse.Statistics.PacketsTransmitted);
            var measurement = new Measurement(name, wall.Elapsed.TotalSeconds, run.Duration.TotalSeconds, built.Simulation.EventsDispatched, packets, 0);
            if (best is null || measurement.WallSeconds < best.WallSeconds)
            {
                best = measurement;
            }
        }

        using var process = Process.GetCurrentProcess();
        return best! with { PeakMemoryBytes = process.PeakWorkingSet64 };
    }
}
