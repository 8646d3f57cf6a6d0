using NetSim.Scenarios.Benchmarks;

namespace NetSim.Cli.Commands;

/// <summary>
/// <c>netsim bench-case SCENARIO INDEX [--repeat N]</c>: the child process of <c>netsim bench</c>
/// (<see cref="BenchmarkChild"/>). Hidden from the command line's help, and dispatched before the
/// command line is built, so that the process holds what the run needs and little else.
/// </summary>
public static class BenchCaseCommand
{
    public const string Name = "bench-case";

    public static bool Handles(string[] args) => args.Length > 0 && args[0] == Name;

    public static int Run(string[] args) => BenchmarkChild.Run($"netsim {Name}", args.AsSpan(1));
}
