using NetSim.SockOps.Programs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary><c>netsim programs</c>: the built-in sock_ops programs a scenario can attach.</summary>
public sealed class ProgramsCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("program", "what it does");
        foreach (var (name, description) in BuiltinPrograms.Descriptions)
        {
            table.AddRow($"builtin:{name}", Markup.Escape(description));
        }

        AnsiConsole.Write(table);
        return ExitCodes.Success;
    }
}
