using System.Diagnostics;
using NetSim.Reports;
using NetSim.Scenarios.Model;
using NetSim.Scenarios.Sweeps;

namespace NetSim.Scenarios.Benchmarks;

/// <summary>
/// One benchmark case: a scenario (or one point of its sweep, first seed) built and run to its end
/// with nothing traced and no results written, timed around the simulation alone. The best of the
/// repeats is kept. A short case repeats until three seconds of simulation have run: a process's
/// first second or so runs unoptimised (tier-0) code, which would otherwise decide the figure of a
/// 20 ms case. Peak memory is the process's when its first run ends, so each case runs in a process
/// of its own: what one run of the scenario needs, start-up included, not what a dozen repeats
/// leave behind (optimised code for every tier, and the heap grown for the garbage of earlier runs).
/// </summary>
public static class BenchmarkCase
{
    /// <summary>What one case measured.</summary>
    /// <param name="PacketsForwarded">Transmissions on every link, both directions.</param>
    /// <param name="Flows">The scenario's flows.</param>
    /// <param name="Repeats">Runs made; the figures are the fastest's.</param>
    /// <param name="AllocatedBytes">Bytes the simulation allocated while it ran (packets, buffers and rings growing to their peak, connections opening).</param>
    /// <param name="BytesDelivered">Bytes the flows' receivers took, all flows together: with the events and transmissions, what shows that two builds simulated the same run.</param>
    public sealed record Measurement(string Name, double WallSeconds, double SimulatedSeconds, long Events, long PacketsForwarded, long PeakMemoryBytes, int Flows, int Repeats, long AllocatedBytes, long BytesDelivered)
    {
        public double EventsPerSecond => Events / WallSeconds;

        public double PacketsPerSecond => PacketsForwarded / WallSeconds;

        /// <summary>Wall time per link transmission, in nanoseconds: the cost that should stay flat as flows grow.</summary>
        public double NanosecondsPerPacket => WallSeconds * 1e9 / PacketsForwarded;
    }

    /// <summary>Total simulation time after which a case that has made its repeats stops.</summary>
    public const double MinimumTotalSeconds = 3.0;

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

    /// <summary>
    /// Runs the case at least <paramref name="repeats"/> times in this process, and on until
    /// <see cref="MinimumTotalSeconds"/> of simulation have run; the fastest run's figures and the
    /// process's peak memory at the end of the first.
    /// </summary>
    public static Measurement Run(string name, Func<Scenario> scenario, int repeats)
    {
        Measurement? best = null;
        var peakMemory = 0L;
        var total = 0.0;
        var runs = 0;
        while (runs < repeats || total < MinimumTotalSeconds)
        {
            runs++;
            var run = scenario();
            var built = ScenarioBuilder.Build(run, new RunRecorder(new RecorderOptions(false, false, false, false)));
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var wall = Stopwatch.StartNew();
            built.Simulation.Run(run.Duration);
            wall.Stop();
            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var packets = built.Network.Links.Sum(l => l.Forward.Statistics.PacketsTransmitted + l.Reverse.Statistics.PacketsTransmitted);
            var delivered = built.Flows.Sum(f => f.Receiver.BytesReceived);
            total += wall.Elapsed.TotalSeconds;
            if (runs == 1)
            {
                peakMemory = PeakWorkingSet.OfThisProcess();
            }

            var measurement = new Measurement(name, wall.Elapsed.TotalSeconds, run.Duration.TotalSeconds, built.Simulation.EventsDispatched, packets, 0, run.Flows.Count, 0, allocated, delivered);
            if (best is null || measurement.WallSeconds < best.WallSeconds)
            {
                best = measurement;
            }
        }

        return best! with { PeakMemoryBytes = peakMemory, Repeats = runs };
    }
}
