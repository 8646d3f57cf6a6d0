using System.Globalization;
using System.Text.Json;
using NetSim.Scenarios;
using NetSim.Scenarios.Benchmarks;

namespace NetSim.Cli.Commands;

/// <summary>
/// The child side of <c>netsim bench</c>: <c>netsim bench-case SCENARIO INDEX [--repeat N]</c> runs
/// one case and prints its measurement as JSON. Hidden from the command line's help, and parsed
/// without it, so that the process holds what the run needs and little else.
/// </summary>
public static class BenchCaseCommand
{
    public const string Name = "bench-case";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Name;

    public static int Run(string[] args)
    {
        if (!TryParse(args, out var scenario, out var index, out var repeat))
        {
            Console.Error.WriteLine($"usage: netsim {Name} SCENARIO INDEX [--repeat N] (INDEX and N non-negative integers; the case list is netsim bench's)");
            return ExitCodes.BadInput;
        }

        IReadOnlyList<(string Name, Scenarios.Model.Scenario Scenario)> cases;
        try
        {
            cases = BenchmarkCase.Cases(scenario);
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return ExitCodes.BadInput;
        }

        if (index >= cases.Count)
        {
            Console.Error.WriteLine($"error: {scenario} has {cases.Count} benchmark case(s); there is no case {index}");
            return ExitCodes.BadInput;
        }

        var measurement = BenchmarkCase.Run(cases[index].Name, () => BenchmarkCase.Cases(scenario)[index].Scenario, repeat);
        Print(measurement);
        return ExitCodes.Success;
    }

    /// <summary>A method of its own, so that System.Text.Json is loaded when the run is over, not when <see cref="Run"/> is compiled.</summary>
    private static void Print(BenchmarkCase.Measurement measurement) =>
        Console.WriteLine(JsonSerializer.Serialize(measurement, MeasurementJson.Options));

    private static bool TryParse(string[] args, out string scenario, out int index, out int repeat)
    {
        scenario = args.Length > 1 ? args[1] : string.Empty;
        index = 0;
        repeat = 5;
        var shape = args.Length is 3 or 5 && scenario.Length > 0 && TryCount(args[2], out index);
        return args.Length == 3 ? shape : shape && args[3] is "--repeat" or "-r" && TryCount(args[4], out repeat);
    }

    private static bool TryCount(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
