using System.ComponentModel;
using NetSim.Packetdrill.Runner;
using NetSim.Packetdrill.Script;
using Spectre.Console.Cli;

namespace NetSim.Cli.Commands;

/// <summary>
/// <c>netsim pkt FILE...</c>: plays packetdrill scripts against a simulated Linux endpoint and
/// prints, per script, "passed" or the failing line with the expected and actual segment.
/// Exit 0 when all pass, 1 when one fails.
/// </summary>
public sealed class PacketdrillCommand : Command<PacketdrillCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<FILE>")]
        [Description("packetdrill scripts (.pkt).")]
        public string[] Files { get; init; } = [];

        [CommandOption("--tolerance_usecs <MICROSECONDS>")]
        [Description("How far an outbound segment may be from its scripted time (default 4000, as packetdrill).")]
        public long? Tolerance { get; init; }

        [CommandOption("-D|--define <NAME=VALUE>")]
        [Description("A symbol the scripts name, as packetdrill's -D (repeatable); TFO_COOKIE and TFO_COOKIE_ZERO default to the kernel selftests' values.")]
        public string[] Definitions { get; init; } = [];

        [CommandOption("--tcp-rmem-max <BYTES>")]
        [Description("The largest receive buffer (Linux tcp_rmem[[2]], default 15728640 as the kernel's packetdrill selftests set it), which sets the window scale offered: 6291456 gives wscale 7.")]
        public int? ReceiveBufferMax { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var options = new PacketdrillOptions();
        if (settings.Tolerance is { } tolerance)
        {
            options = options with { ToleranceMicroseconds = tolerance };
        }

        if (settings.ReceiveBufferMax is { } max)
        {
            options = options with { Settings = options.Settings with { ReceiveBufferMax = max } };
        }

        if (settings.Definitions.Length > 0)
        {
            var definitions = new Dictionary<string, string>(ScriptDefinitions.KernelSelftests, StringComparer.Ordinal);
            foreach (var text in settings.Definitions)
            {
                if (!ScriptDefinitions.TryParse(text, out var definition))
                {
                    Console.Error.WriteLine($"error: -D {text}: expected NAME=VALUE");
                    return ExitCodes.BadInput;
                }

                definitions[definition.Key] = definition.Value;
            }

            options = options with { Definitions = definitions };
        }

        var failed = 0;
        foreach (var file in settings.Files)
        {
            if (!File.Exists(file))
            {
                Console.Error.WriteLine($"error: {file}: no such file");
                return ExitCodes.BadInput;
            }

            var result = ScriptRunner.RunFile(file, options);
            Console.WriteLine(result);
            failed += result.Passed ? 0 : 1;
        }

        Console.WriteLine($"{settings.Files.Length - failed} passed, {failed} failed");
        return failed == 0 ? ExitCodes.Success : ExitCodes.RunFailed;
    }
}
