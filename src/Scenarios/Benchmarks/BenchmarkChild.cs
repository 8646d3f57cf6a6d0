using System.Globalization;
using System.Text.Json;

namespace NetSim.Scenarios.Benchmarks;

/// <summary>
/// The child side of <c>netsim bench</c>: given <c>SCENARIO INDEX [--repeat N]</c>, runs one case and
/// prints its measurement as one line of JSON. Both children call it: netsim's hidden
/// <c>bench-case</c> command (the JIT-compiled program researchers run) and
/// <c>netsim-bench-case</c>, the same code compiled ahead of time (src/NativeBench), so that the
/// two measure the same simulation.
/// </summary>
public static class BenchmarkChild
{
    /// <summary>Exit codes, as the command line's: 0 for a measurement printed, 2 for input that names no case.</summary>
    public const int Success = 0;

    /// <inheritdoc cref="Success"/>
    public const int BadInput = 2;

    /// <param name="usage">How the usage line names the command, e.g. <c>netsim bench-case</c>.</param>
    /// <param name="args">The arguments after the command's name.</param>
    public static int Run(string usage, ReadOnlySpan<string> args)
    {
        if (!TryParse(args, out var scenario, out var index, out var repeat))
        {
            Console.Error.WriteLine($"usage: {usage} SCENARIO INDEX [--repeat N] (INDEX and N non-negative integers; the case list is netsim bench's)");
            return BadInput;
        }

        IReadOnlyList<(string Name, Model.Scenario Scenario)> cases;
        try
        {
            cases = BenchmarkCase.Cases(scenario);
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return BadInput;
        }

        if (index >= cases.Count)
        {
            Console.Error.WriteLine($"error: {scenario} has {cases.Count} benchmark case(s); there is no case {index}");
            return BadInput;
        }

        Print(BenchmarkCase.Run(cases[index].Name, () => BenchmarkCase.Cases(scenario)[index].Scenario, repeat));
        return Success;
    }

    /// <summary>A method of its own, so that System.Text.Json is loaded when the run is over, not when <see cref="Run"/> is compiled.</summary>
    private static void Print(BenchmarkCase.Measurement measurement) =>
        Console.WriteLine(JsonSerializer.Serialize(measurement, MeasurementJson.Default.Measurement));

    private static bool TryParse(ReadOnlySpan<string> args, out string scenario, out int index, out int repeat)
    {
        scenario = args.Length > 0 ? args[0] : string.Empty;
        index = 0;
        repeat = 5;
        var shape = args.Length is 2 or 4 && scenario.Length > 0 && TryCount(args[1], out index);
        return args.Length == 2 ? shape : shape && args[2] is "--repeat" or "-r" && TryCount(args[3], out repeat);
    }

    private static bool TryCount(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
