using System.ComponentModel;
using NetSim.Reports;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary><c>netsim plot RESULTS_DIR</c>: redraws a run's or a sweep's figures and report.html from its CSV files and manifest alone.</summary>
public sealed class PlotCommand : Command<PlotCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RESULTS_DIR>")]
        [Description("A run's results folder (with manifest.json and flows.csv), or a sweep's (with manifest.json and summary.csv).")]
        public string Directory { get; init; } = string.Empty;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var files = Scenarios.Sweeps.SweepManifest.Describes(settings.Directory)
                ? Scenarios.Sweeps.SweepManifest.Replot(settings.Directory)
                : Replot.Run(settings.Directory);
            Console.WriteLine($"redrawn in {Path.GetFullPath(settings.Directory)}: {string.Join(", ", files)}");
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or CsvHelper.CsvFormatException or CsvHelper.CsvValidationException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }
}
