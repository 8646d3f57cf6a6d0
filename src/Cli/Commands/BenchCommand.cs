using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using NetSim.Reports.Plots;
using NetSim.Scenarios;
using NetSim.Scenarios.Benchmarks;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// <c>netsim bench [SCENARIO...]</c>: times scenarios (bench/scenarios/*.yaml by default; a sweep's
/// points each) and prints wall time, events and packets per second and peak memory. Each case runs
/// in a child process of its own, so its peak memory is its own. <c>--plot</c> draws the cost per
/// packet against the number of flows.
/// </summary>
public sealed class BenchCommand : Command<BenchCommand.Settings>
{
    /// <summary>Where <see cref="NativeRunnerBuild"/> puts the ahead-of-time compiled child, from the repository's root.</summary>
    private const string NativeRunnerPath = "src/NativeBench/bin/native/netsim-bench-case";

    private const string NativeRunnerBuild = "dotnet publish src/NativeBench -c Release";

    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[SCENARIO]")]
        [Description("Scenario files. Default: bench/scenarios/*.yaml.")]
        public string[] Scenarios { get; init; } = [];

        [CommandOption("-r|--repeat <N>")]
        [Description("Runs per case at least, and on until 3 s of simulation have run; the fastest counts (the first runs of a process run unoptimised code). Default: 5.")]
        public int Repeat { get; init; } = 5;

        [CommandOption("--json")]
        [Description("Print the measurements as JSON.")]
        public bool Json { get; init; }

        [CommandOption("--runner <EXECUTABLE>")]
        [Description("Run each case with this program instead of netsim's own bench-case: the same simulation compiled ahead of time, src/NativeBench (`" + NativeRunnerBuild + "` puts it at " + NativeRunnerPath + "). It is the code as it was when published: publish it again after changing the code. Scenarios with C# sock_ops programs need netsim's own.")]
        public string? Runner { get; init; }

        [CommandOption("--plot <PNG>")]
        [Description("Also draw wall time per link transmission against flows, case by case (with an SVG beside it): the scaling curve of bench/scaling/*.yaml.")]
        public string? Plot { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = settings.Scenarios.Length > 0
            ? settings.Scenarios
            : [.. Directory.EnumerateFiles(Path.Combine("bench", "scenarios"), "*.yaml").Order(StringComparer.Ordinal)];
        if (settings.Runner is { } runner && !File.Exists(runner))
        {
            Console.Error.WriteLine($"error: --runner: no such file: {Path.GetFullPath(runner)} (`{NativeRunnerBuild}` builds the native runner at {NativeRunnerPath})");
            return ExitCodes.BadInput;
        }

        var measurements = new List<BenchmarkCase.Measurement>();
        foreach (var file in files)
        {
            int cases;
            try
            {
                cases = BenchmarkCase.Cases(file).Count;
            }
            catch (ScenarioException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.BadInput;
            }

            for (var i = 0; i < cases; i++)
            {
                if (RunCase(settings.Runner, file, i, Math.Max(1, settings.Repeat)) is not { } measurement)
                {
                    return ExitCodes.RunFailed;
                }

                measurements.Add(measurement);
                if (!settings.Json)
                {
                    Console.Error.WriteLine($"{measurement.Name}: {measurement.WallSeconds:F3} s");
                }
            }
        }

        if (settings.Plot is { } plotPath)
        {
            var plot = ScalingPlot.Create(
                $"netsim bench: cost per packet as flows grow ({Environment.ProcessorCount} cores)",
                [.. measurements.Select(m => (m.Flows, m.NanosecondsPerPacket / 1000))]);
            ScalingPlot.Save(plot, plotPath);
        }

        if (settings.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(measurements, new JsonSerializerOptions(MeasurementJson.Default.Options) { WriteIndented = true }));
            return ExitCodes.Success;
        }

        var table = new Table().Title($"netsim bench: fastest of at least {Math.Max(1, settings.Repeat)} runs and {BenchmarkCase.MinimumTotalSeconds:0} s, {Environment.ProcessorCount} cores");
        foreach (var column in new[] { "case", "flows", "wall s", "simulated s", "events", "events/s", "packets forwarded/s", "ns/packet", "peak MB" })
        {
            table.AddColumn(column == "case" ? new TableColumn(column) : new TableColumn(column).RightAligned());
        }

        foreach (var m in measurements)
        {
            table.AddRow(
                Markup.Escape(m.Name),
                m.Flows.ToString("N0", CultureInfo.InvariantCulture),
                m.WallSeconds.ToString("F3", CultureInfo.InvariantCulture),
                m.SimulatedSeconds.ToString("G", CultureInfo.InvariantCulture),
                m.Events.ToString("N0", CultureInfo.InvariantCulture),
                m.EventsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                m.PacketsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                m.NanosecondsPerPacket.ToString("F0", CultureInfo.InvariantCulture),
                (m.PeakMemoryBytes / 1e6).ToString("F0", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }

    /// <summary>
    /// Runs case <paramref name="index"/> of <paramref name="file"/> in a child process, netsim's
    /// own bench-case or <paramref name="runner"/>, and reads its measurement.
    /// </summary>
    private static BenchmarkCase.Measurement? RunCase(string? runner, string file, int index, int repeat)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(runner is null ? self : Path.GetFullPath(runner)) { RedirectStandardOutput = true, UseShellExecute = false };
        if (runner is null)
        {
            if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            {
                start.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
            }

            start.ArgumentList.Add(BenchCaseCommand.Name);
        }

        foreach (var arg in new[] { file, index.ToString(CultureInfo.InvariantCulture), "--repeat", repeat.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            Console.Error.WriteLine($"bench failed: cannot start {start.FileName}: {ex.Message}");
            return null;
        }

        using var started = process;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"bench failed: {file} case {index} exited with {process.ExitCode}");
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(output, MeasurementJson.Default.Measurement);
        }
        catch (JsonException)
        {
            Console.Error.WriteLine($"bench failed: {start.FileName} printed no measurement for {file} case {index}");
            return null;
        }
    }
}
