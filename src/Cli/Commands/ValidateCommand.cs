using System.ComponentModel;
using NetSim.Reports;
using NetSim.Scenarios;
using NetSim.Scenarios.Sweeps;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// <c>netsim validate SCENARIO</c>: checks a scenario file and builds its network (so routing and
/// path-MTU problems show too) without running it or writing anything.
/// </summary>
public sealed class ValidateCommand : Command<ValidateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SCENARIO>")]
        [Description("The scenario file (YAML).")]
        public string Scenario { get; init; } = string.Empty;

        [CommandOption("--json")]
        [Description("Print the verdict as JSON (the scenario's size, or the error's file, line, column, field and problem).")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var scenario = ScenarioParser.ParseFile(settings.Scenario);
            ScenarioBuilder.Build(scenario, new RunRecorder(new RecorderOptions(false, false, false, false)));

            // A sweep's every point is checked too: each value must fit its field.
            var sweep = SweepParser.Declares(settings.Scenario) ? SweepParser.ParseFile(settings.Scenario) : null;
            if (settings.Json)
            {
                JsonOutput.Valid(scenario, sweep);
                return ExitCodes.Success;
            }

            var points = sweep is null ? string.Empty : $"; sweep: {sweep.Points} points, {sweep.Runs.Count} runs";
            Console.WriteLine(
                $"ok: {scenario.Name}: {scenario.Hosts.Count} hosts, {scenario.Routers.Count} routers, {scenario.Links.Count} links, {scenario.Flows.Count} flows, {scenario.Duration} simulated{points}");
            return ExitCodes.Success;
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
    }
}
