using System.Text.Json.Serialization;

namespace NetSim.Scenarios.Benchmarks;

/// <summary>
/// How a <see cref="BenchmarkCase.Measurement"/> is written as JSON: between <c>netsim bench</c> and
/// its child processes, and for scripts. Generated at compile time, so that the ahead-of-time
/// compiled child (src/NativeBench) writes it without reflection, and the JIT one the same bytes.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BenchmarkCase.Measurement))]
[JsonSerializable(typeof(List<BenchmarkCase.Measurement>))]
public sealed partial class MeasurementJson : JsonSerializerContext;
