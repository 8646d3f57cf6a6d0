using System.Text.Json;
using NetSim.Scenarios;
using NetSim.Scenarios.Sweeps;

namespace NetSim.Cli.Commands;

/// <summary>What <c>--json</c> prints on standard output: one JSON object per command, for scripts.</summary>
internal static class JsonOutput
{
    public static void Error(ScenarioException error) => Write(json =>
    {
        json.WriteBoolean("ok", false);
        json.WriteString("file", error.File);
        json.WriteNumber("line", error.Line);
        json.WriteNumber("column", error.Column);
        json.WriteString("field", error.Field);
        json.WriteString("problem", error.Problem);
    });

    public static void Failure(string message) => Write(json =>
    {
        json.WriteBoolean("ok", false);
        json.WriteString("error", message);
    });

    public static void Valid(Scenarios.Model.Scenario scenario, SweepDefinition? sweep) => Write(json =>
    {
        json.WriteBoolean("ok", true);
        json.WriteString("scenario", scenario.Name);
        json.WriteNumber("hosts", scenario.Hosts.Count);
        json.WriteNumber("routers", scenario.Routers.Count);
        json.WriteNumber("links", scenario.Links.Count);
        json.WriteNumber("flows", scenario.Flows.Count);
        json.WriteNumber("simulated_seconds", scenario.Duration.TotalSeconds);
        if (sweep is not null)
        {
            json.WriteNumber("sweep_points", sweep.Points);
            json.WriteNumber("sweep_runs", sweep.Runs.Count);
        }
    });

    public static void Run(RunResult result) => Write(json =>
    {
        json.WriteBoolean("ok", result.Flows.All(f => f.DeliveryCheck == "ok"));
        json.WriteString("results", result.OutputDirectory);
        json.WriteNumber("wall_seconds", Math.Round(result.WallTime.TotalSeconds, 3));
        json.WriteStartArray("flows");
        foreach (var flow in result.Flows)
        {
            json.WriteStartObject();
            json.WriteString("flow", flow.Flow);
            json.WriteNumber("bytes_delivered", flow.BytesDelivered);
            json.WriteNumber("goodput_mbps", flow.GoodputMbps);
            json.WriteNumber("retransmissions", flow.Retransmissions);
            json.WriteNumber("rto_count", flow.RtoCount);
            json.WriteString("delivery_check", flow.DeliveryCheck);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("files");
        foreach (var file in result.Files)
        {
            json.WriteStringValue(file);
        }

        json.WriteEndArray();
    });

    public static void Sweep(SweepResult result) => Write(json =>
    {
        json.WriteBoolean("ok", true);
        json.WriteString("results", result.OutputDirectory);
        json.WriteNumber("runs", result.Sweep.Runs.Count);
        json.WriteNumber("executed", result.Executed);
        json.WriteNumber("resumed", result.Resumed);
        json.WriteStartArray("points");
        for (var point = 0; point < result.Sweep.Points; point++)
        {
            json.WriteStartObject();
            json.WriteStartObject("parameters");
            var values = result.Sweep.Runs[point * result.Sweep.Seeds].Values;
            for (var p = 0; p < result.Sweep.Parameters.Count; p++)
            {
                json.WriteString(result.Sweep.Parameters[p].Path, values[p]);
            }

            json.WriteEndObject();
            for (var m = 0; m < result.Metrics.Count; m++)
            {
                var summary = result.PointSummaries[point][m];
                json.WriteStartObject(result.Metrics[m]);
                json.WriteNumber("mean", summary.Mean);
                if (!double.IsNaN(summary.Low))
                {
                    json.WriteNumber("sd", summary.StandardDeviation);
                    json.WriteNumber("ci95_low", summary.Low);
                    json.WriteNumber("ci95_high", summary.High);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    private static void Write(Action<Utf8JsonWriter> body)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        stdout.WriteByte((byte)'\n');
    }
}
