using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NetSim.Scenarios.Model;

namespace NetSim.Scenarios;

/// <summary>
/// manifest.json: what produced a run and what it cost: the netsim version, the scenario (name,
/// file, content hash), seed, the modelled kernel, simulated time, events dispatched, wall time,
/// and the files written. Everything but the wall time is the same for the same scenario and seed.
/// </summary>
internal static class RunManifest
{
    public static void Write(string path, Scenario scenario, long events, TimeSpan wall, IReadOnlyList<string> files)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("netsim_version", Version);
        json.WriteString("scenario", scenario.Name);
        json.WriteString("scenario_file", Path.GetFileName(scenario.SourcePath));
        json.WriteString("scenario_sha256", scenario.ContentHash);
        json.WriteNumber("seed", scenario.Seed);
        json.WriteString("kernel", scenario.Kernel.Version.ToString());
        json.WriteNumber("hz", scenario.Kernel.Hz);
        json.WriteNumber("simulated_seconds", scenario.Duration.TotalSeconds);
        json.WriteNumber("events", events);
        json.WriteNumber("wall_seconds", Math.Round(wall.TotalSeconds, 3));
        json.WriteNumber("events_per_second", wall.TotalSeconds > 0 ? Math.Round(events / wall.TotalSeconds) : 0);
        json.WriteStartArray("files");
        foreach (var file in files)
        {
            json.WriteStringValue(file);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        stream.WriteByte((byte)'\n');
    }

    /// <summary>The netsim version, without the source revision.</summary>
    internal static string Version { get; } =
        typeof(RunManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(RunManifest).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
