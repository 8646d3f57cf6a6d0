using System.Text.Json;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// A sweep folder's manifest.json: the netsim version, the sweep's name and file, its parameters
/// with their values, seeds, figures, the runs done and resumed, and the wall time; with it and
/// summary.csv, netsim plot redraws the sweep's figures.
/// </summary>
public static class SweepManifest
{
    public static void Write(string path, SweepDefinition sweep, int executed, int resumed, TimeSpan wall)
    {
        using var stream = File.Create(path);
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("netsim_version", RunManifest.Version);
            json.WriteString("sweep", sweep.Name);
            json.WriteString("scenario_file", Path.GetFileName(sweep.SourcePath));
            json.WriteNumber("seeds", sweep.Seeds);
            json.WriteStartArray("parameters");
            foreach (var parameter in sweep.Parameters)
            {
                json.WriteStartObject();
                json.WriteString("path", parameter.Path);
                json.WriteStartArray("values");
                foreach (var value in parameter.Values)
                {
                    json.WriteStringValue(value);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("plots");
            foreach (var plot in sweep.Plots)
            {
                json.WriteStartObject();
                json.WriteString("metric", plot.Metric);
                json.WriteString("x", plot.X);
                if (plot.Series is not null)
                {
                    json.WriteString("series", plot.Series);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteNumber("runs", sweep.Runs.Count);
            json.WriteNumber("executed", executed);
            json.WriteNumber("resumed", resumed);
            json.WriteNumber("wall_seconds", Math.Round(wall.TotalSeconds, 3));
            json.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    /// <summary>Whether <paramref name="directory"/> holds a sweep (its manifest names one).</summary>
    public static bool Describes(string directory)
    {
        var path = Path.Combine(directory, "manifest.json");
        if (!File.Exists(path))
        {
            return false;
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.TryGetProperty("sweep", out _);
    }

    /// <summary>netsim plot on a sweep folder: the figures and report.html again, from summary.csv and the manifest alone.</summary>
    public static List<string> Replot(string directory)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "manifest.json")));
        var root = json.RootElement;
        var parameters = root.GetProperty("parameters").EnumerateArray()
            .Select(p => new SweepParameter(p.GetProperty("path").GetString()!, [.. p.GetProperty("values").EnumerateArray().Select(v => v.GetString()!)]))
            .ToList();
        var plots = root.GetProperty("plots").EnumerateArray()
            .Select(p => new SweepPlotSpec(p.GetProperty("metric").GetString()!, p.GetProperty("x").GetString()!,
                p.TryGetProperty("series", out var series) ? series.GetString() : null))
            .ToList();
        var table = SweepTable.Read(Path.Combine(directory, "summary.csv"), root.GetProperty("sweep").GetString()!, root.GetProperty("seeds").GetInt32(), parameters);
        return SweepFigures.Draw(table, plots, directory, ["sweep.csv", "summary.csv"]);
    }
}
