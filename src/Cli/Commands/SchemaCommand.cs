using System.ComponentModel;
using NetSim.Scenarios.Schema;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary><c>netsim schema</c>: prints the JSON Schema of the scenario format, or writes it to a file.</summary>
public sealed class SchemaCommand : Command<SchemaCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-o|--output <FILE>")]
        [Description("Write the schema to FILE instead of standard output.")]
        public string? Output { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var schema = ScenarioSchema.Generate();
        if (settings.Output is { } path)
        {
            File.WriteAllText(path, schema);
        }
        else
        {
            Console.Write(schema);
        }

        return ExitCodes.Success;
    }
}
