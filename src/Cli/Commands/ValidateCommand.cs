using System.ComponentModel;
using NetSim.Reports;
using NetSim.Scenarios;
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
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var scenario = ScenarioParser.ParseFile(settings.Scenario);
            ScenarioBuilder.Build(scenario, new RunRecorder(new RecorderOptions(false, false, false, false)));
            Console.WriteLine(
                $"ok: {scenario.Name}: {scenario.Hosts.Count} hosts, {scenario.Routers.Count} routers, {scenario.Links.Count} links, {scenario.Flows.Count} flows, {scenario.Duration} simulated");
            return ExitCodes.Success;
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }
    }
}
