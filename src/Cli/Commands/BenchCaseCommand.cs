using System.Text.Json;
using NetSim.Scenarios.Benchmarks;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>The child side of <c>netsim bench</c>: runs one case and prints its measurement as JSON.</summary>
public sealed class BenchCaseCommand : Command<BenchCaseCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<SCENARIO>")]
        public string Scenario { get; init; } = string.Empty;

        [CommandArgument(1, "<INDEX>")]
        public int Index { get; init; }

        [CommandOption("-r|--repeat <N>")]
        public int Repeat { get; init; } = 5;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (name, _) = BenchmarkCase.Cases(settings.Scenario)[settings.Index];
        var measurement = BenchmarkCase.Run(name, () => BenchmarkCase.Cases(settings.Scenario)[settings.Index].Scenario, settings.Repeat);
        Console.WriteLine(JsonSerializer.Serialize(measurement, BenchmarkCase.Json));
        return ExitCodes.Success;
    }
}
