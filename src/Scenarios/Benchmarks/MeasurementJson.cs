using System.Text.Json;

namespace NetSim.Scenarios.Benchmarks;

/// <summary>
/// How a <see cref="BenchmarkCase.Measurement"/> is written as JSON: between <c>netsim bench</c> and
/// its child processes, and for scripts. A class of its own so that System.Text.Json is loaded
/// when a measurement is printed, not while the run it measures is still in progress.
/// </summary>
public static class MeasurementJson
{
    public static JsonSerializerOptions Options { get; } = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
