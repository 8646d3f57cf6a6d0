using System.ComponentModel;
using NetSim.Reports;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary><c>netsim plot RESULTS_DIR</c>: redraws a run's figures and report.html from its CSV files alone.</summary>
public sealed class PlotCommand : Command<PlotCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<RESULTS_DIR>")]
        [Description("A run's results folder (with manifest.json and flows.csv).")]
        public string Directory { get; init; } = string.Empty;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var files = Replot.Run(settings.Directory);
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
