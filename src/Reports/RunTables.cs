using System.Globalization;
using System.Text.Json;
using NetSim.Reports.Rows;

namespace NetSim.Reports;

/// <summary>
/// The tables a run's figures are drawn from, whether just recorded or read back from a results
/// folder (which needs its manifest.json for the run's name and duration, and flows.csv); a table
/// the run did not trace or write (requests with no request/response flow) is null.
/// </summary>
public sealed record RunTables(
    string Name,
    double DurationSeconds,
    IReadOnlyList<FlowRow> Flows,
    IReadOnlyList<EventRow> Events,
    IReadOnlyList<TimeseriesRow>? Timeseries,
    IReadOnlyList<SockOpsRow>? SockOps,
    IReadOnlyList<RttRow>? Rtt,
    IReadOnlyList<QueueRow>? Queue,
    IReadOnlyList<ThroughputRow>? Throughput,
    IReadOnlyList<RequestRow>? Requests = null,
    IReadOnlyList<RequestFailureRow>? RequestFailures = null)
{
    /// <summary>Reads the tables of the results folder <paramref name="directory"/>; throws <see cref="FileNotFoundException"/> naming what is missing.</summary>
    public static RunTables Read(string directory)
    {
        var manifest = Path.Combine(directory, "manifest.json");
        var flows = Path.Combine(directory, "flows.csv");
        foreach (var required in new[] { manifest, flows })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"{directory} is not a results folder: {Path.GetFileName(required)} is missing", required);
            }
        }

        using var json = JsonDocument.Parse(File.ReadAllText(manifest));
        var name = json.RootElement.GetProperty("scenario").GetString() ?? string.Empty;
        var duration = json.RootElement.GetProperty("simulated_seconds").GetDouble();
        List<T>? Optional<T>(string file) => File.Exists(Path.Combine(directory, file)) ? CsvTables.Read<T>(Path.Combine(directory, file)) : null;
        return new RunTables(name, duration, CsvTables.Read<FlowRow>(flows), Optional<EventRow>("events.csv") ?? [],
            Optional<TimeseriesRow>("timeseries.csv"), Optional<SockOpsRow>("sockops.csv"), Optional<RttRow>("rtt.csv"),
            Optional<QueueRow>("queue.csv"), Optional<ThroughputRow>("throughput.csv"),
            Optional<RequestRow>("requests.csv"), Optional<RequestFailureRow>("request_failures.csv"));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({DurationSeconds} s, {Flows.Count} flows)");
}
