using System.ComponentModel;
using System.Globalization;
using NetSim.Scenarios;
using NetSim.Scenarios.Sweeps;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// <c>netsim sweep SCENARIO</c>: runs a scenario's sweep, its grid points times its seeds, on all
/// cores, resuming an interrupted sweep where it stopped, and prints each point's main metric.
/// </summary>
public sealed class SweepCommand : Command<SweepCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SCENARIO>")]
        [Description("The scenario file (YAML) with a sweep section.")]
        public string Scenario { get; init; } = string.Empty;

        [CommandOption("-o|--output <DIR>")]
        [Description("Where the sweep goes (runs/, sweep.csv, summary.csv, figures). Default: results/<scenario name>.")]
        public string? Output { get; init; }

        [CommandOption("-j|--jobs <N>")]
        [Description("Runs at once. Default: one per core.")]
        public int? Jobs { get; init; }

        [CommandOption("-q|--quiet")]
        [Description("Print only the results folder.")]
        public bool Quiet { get; init; }

        [CommandOption("--json")]
        [Description("Print each point's parameters and metrics (mean, sd, 95% CI) as JSON, or the error, for scripts.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        SweepDefinition sweep;
        try
        {
            sweep = SweepParser.ParseFile(settings.Scenario);
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            if (settings.Json)
            {
                JsonOutput.Error(ex);
            }

            return ExitCodes.BadInput;
        }

        if (settings.Jobs is < 1)
        {
            Console.Error.WriteLine("error: --jobs: at least 1");
            return ExitCodes.BadInput;
        }

        var output = settings.Output ?? Path.Combine("results", sweep.Name);
        var jobs = settings.Jobs ?? Environment.ProcessorCount;
        SweepResult result;
        try
        {
            result = settings.Quiet || settings.Json || Console.IsOutputRedirected
                ? SweepRunner.Run(sweep, output, jobs)
                : RunWithProgress(sweep, output, jobs);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or SockOps.SockOpsProgramException)
        {
            Console.Error.WriteLine($"sweep failed: {ex.Message}");
            if (settings.Json)
            {
                JsonOutput.Failure(ex.Message);
            }

            return ExitCodes.RunFailed;
        }

        if (settings.Json)
        {
            JsonOutput.Sweep(result);
            return ExitCodes.Success;
        }

        if (settings.Quiet)
        {
            Console.WriteLine(result.OutputDirectory);
            return ExitCodes.Success;
        }

        PrintSummary(result);
        return ExitCodes.Success;
    }

    private static SweepResult RunWithProgress(SweepDefinition sweep, string output, int jobs)
    {
        SweepResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{sweep.Name}: {sweep.Points} points x {sweep.Seeds} seeds on {jobs} cores", maxValue: sweep.Runs.Count);
                result = SweepRunner.Run(sweep, output, jobs, new Progress<int>(done => task.Value = done));
            });
        return result!;
    }

    /// <summary>Each point's parameters and total goodput with its 95% interval, then where the files are.</summary>
    private static void PrintSummary(SweepResult result)
    {
        var sweep = result.Sweep;
        var table = new Table().Title($"{sweep.Name}: {sweep.Runs.Count} runs ({result.Executed} run now, {result.Resumed} already done)");
        foreach (var parameter in sweep.Parameters)
        {
            table.AddColumn(Markup.Escape(parameter.Path));
        }

        table.AddColumn(new TableColumn("goodput Mbit/s").RightAligned());
        table.AddColumn(new TableColumn("95% CI").RightAligned());
        table.AddColumn(new TableColumn("retransmissions").RightAligned());
        var goodput = result.Metrics.ToList().IndexOf(SweepMetrics.TotalGoodput);
        var retransmissions = result.Metrics.ToList().IndexOf(SweepMetrics.Retransmissions);
        for (var point = 0; point < sweep.Points; point++)
        {
            var summary = result.PointSummaries[point];
            var g = summary[goodput];
            table.AddRow([
                .. sweep.Runs[point * sweep.Seeds].Values.Select(Markup.Escape),
                g.Mean.ToString("F3", CultureInfo.InvariantCulture),
                double.IsNaN(g.Low) ? "-" : string.Create(CultureInfo.InvariantCulture, $"{g.Low:F3} to {g.High:F3}"),
                summary[retransmissions].Mean.ToString("F1", CultureInfo.InvariantCulture),
            ]);
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"results: {Markup.Escape(result.OutputDirectory)} ({Markup.Escape(string.Join(", ", result.Files))}, runs/)");
    }
}
