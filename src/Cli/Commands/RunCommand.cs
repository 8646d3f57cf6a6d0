using System.ComponentModel;
using NetSim.Scenarios;
using NetSim.Scenarios.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary><c>netsim run SCENARIO</c>: runs one scenario and prints where its results are and a summary.</summary>
public sealed class RunCommand : Command<RunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SCENARIO>")]
        [Description("The scenario file (YAML).")]
        public string Scenario { get; init; } = string.Empty;

        [CommandOption("-o|--output <DIR>")]
        [Description("Where the results go. Default: results/<scenario name>.")]
        public string? Output { get; init; }

        [CommandOption("-q|--quiet")]
        [Description("Print only the results folder.")]
        public bool Quiet { get; init; }

        [CommandOption("--json")]
        [Description("Print the outcome as JSON (results folder, flows, files), or the error, for scripts.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        Scenario scenario;
        try
        {
            scenario = ScenarioParser.ParseFile(settings.Scenario);
        }
        catch (ScenarioException ex)
        {
            // Plain and unwrapped, on standard error, so that scripts and editors can read file:line:column.
            Console.Error.WriteLine($"error: {ex.Message}");
            if (settings.Json)
            {
                JsonOutput.Error(ex);
            }

            return ExitCodes.BadInput;
        }

        var output = settings.Output ?? Path.Combine("results", scenario.Name);
        RunResult result;
        try
        {
            result = settings.Quiet || settings.Json || Console.IsOutputRedirected
                ? ScenarioRunner.Run(scenario, output)
                : RunWithProgress(scenario, output);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or SockOps.SockOpsProgramException)
        {
            Console.Error.WriteLine($"run failed: {ex.Message}");
            if (settings.Json)
            {
                JsonOutput.Failure(ex.Message);
            }

            return ExitCodes.RunFailed;
        }

        if (settings.Json)
        {
            JsonOutput.Run(result);
        }
        else if (settings.Quiet)
        {
            Console.WriteLine(result.OutputDirectory);
        }
        else
        {
            RunSummary.Print(result);
        }

        return result.Flows.All(f => f.DeliveryCheck == "ok") ? ExitCodes.Success : ExitCodes.RunFailed;
    }

    private static RunResult RunWithProgress(Scenario scenario, string output)
    {
        RunResult? result = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{scenario.Name}: {scenario.Duration} simulated");
                result = ScenarioRunner.Run(scenario, output, new Progress<double>(p => task.Value = p * 100));
            });
        return result!;
    }
}
