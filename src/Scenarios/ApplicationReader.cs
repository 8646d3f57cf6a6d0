using System.Globalization;
using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Scenarios;

/// <summary>
/// Reads a flow's <c>app</c>: <c>bulk</c> (<c>bytes</c>), <c>onoff</c> (<c>on</c>, <c>off</c>,
/// <c>rate</c>, <c>bytes</c>) or <c>request_response</c> (<c>request</c>, <c>response</c>,
/// <c>think</c>, <c>requests</c>, <c>fast_open</c>, <c>connection</c>, <c>close</c>, <c>connections</c>) or
/// <c>syn_flood</c> (<c>target</c>, <c>syns_per_second</c>). A period is a duration (constant) or a map
/// <c>{distribution: exponential | pareto | constant, mean: 1s, shape: 1.5}</c>.
/// </summary>
internal static class ApplicationReader
{
    internal static readonly string[] Types = ["bulk", "onoff", "request_response", "syn_flood"];

    public static ApplicationSpec Read(YamlMap app)
    {
        var type = app.RequireScalar("type");
        switch (type)
        {
            case "bulk":
                app.RejectUnknownKeys(ScenarioFields.BulkApp);
                return new BulkApplicationSpec(PositiveSize(app, "bytes"));
            case "onoff":
                app.RejectUnknownKeys(ScenarioFields.OnOffApp);
                var rate = app.Rate("rate");
                if (rate is <= 0)
                {
                    throw app.Error("rate", "must be positive");
                }

                return new OnOffApplicationSpec(Period(app, "on", required: true)!, Period(app, "off", required: true)!, rate, PositiveSize(app, "bytes"));
            case "request_response":
                app.RejectUnknownKeys(ScenarioFields.RequestResponseApp);
                var requests = app.Integer("requests");
                if (requests is <= 0 or > int.MaxValue)
                {
                    throw app.Error("requests", "must be a positive whole number");
                }

                var request = PositiveSize(app, "request") ?? throw app.Error("request", "missing required field (bytes per request, e.g. 2KB)");
                var response = PositiveSize(app, "response") ?? throw app.Error("response", "missing required field (bytes per response, e.g. 100KB)");
                var think = Period(app, "think", required: false) ?? PeriodDistribution.Fixed(SimTime.Zero);
                var fastOpen = app.Boolean("fast_open") ?? false;
                var perRequest = ConnectionPerRequest(app);
                var connections = app.Integer("connections") ?? 1;
                if (connections is <= 0 or > 100_000)
                {
                    throw app.Error("connections", "must be a whole number from 1 to 100000 (exchange loops running side by side)");
                }

                return new RequestResponseApplicationSpec(request, response, think, (int?)requests, fastOpen, perRequest, ServerCloses(app, perRequest), (int)connections);
            case "syn_flood":
                app.RejectUnknownKeys(ScenarioFields.SynFloodApp);
                var target = app.RequireScalar("target");
                var rateText = app.Scalar("syns_per_second") ?? throw app.Error("syns_per_second", "missing required field (forged SYNs a second, e.g. 2000)");
                if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var synRate) || synRate is <= 0 or > 10_000_000)
                {
                    throw app.Error("syns_per_second", $"must be a number of SYNs a second above 0 and at most 10000000 (got '{rateText}')");
                }

                return new SynFloodApplicationSpec(target, app.Location("target"), synRate);
            default:
                throw app.Error("type", $"unknown application '{type}'{YamlMap.DidYouMean(type, Types)} (valid: {string.Join(", ", Types)})");
        }
    }

    private static bool ConnectionPerRequest(YamlMap app) => app.Scalar("connection") switch
    {
        null or "persistent" => false,
        "per_request" => true,
        var other => throw app.Error("connection", $"unknown connection '{other}'{YamlMap.DidYouMean(other, ["persistent", "per_request"])} (valid: persistent, per_request)"),
    };

    /// <summary><c>close: client | server</c>: which side closes a per-request connection first, and so waits in TIME-WAIT.</summary>
    private static bool ServerCloses(YamlMap app, bool perRequest)
    {
        var closer = app.Scalar("close");
        if (closer is not null && !perRequest)
        {
            throw app.Error("close", "says which side closes a connection of its own per request; add connection: per_request");
        }

        return closer switch
        {
            null or "client" => false,
            "server" => true,
            _ => throw app.Error("close", $"unknown closer '{closer}'{YamlMap.DidYouMean(closer, ["client", "server"])} (valid: client, server)"),
        };
    }

    private static long? PositiveSize(YamlMap map, string key)
    {
        var size = map.Size(key);
        return size is <= 0 ? throw map.Error(key, "must be positive") : size;
    }

    private static PeriodDistribution? Period(YamlMap app, string key, bool required)
    {
        if (!app.Has(key))
        {
            return required ? throw app.Error(key, "missing required field (a duration, or {distribution: exponential, mean: 1s})") : null;
        }

        if (app.Node(key) is YamlDotNet.RepresentationModel.YamlMappingNode)
        {
            var map = app.RequireMap(key);
            map.RejectUnknownKeys(ScenarioFields.Period);
            var mean = map.Duration("mean") ?? throw map.Error("mean", "missing required field (a duration)");
            if (mean <= SimTime.Zero)
            {
                throw map.Error("mean", "must be positive");
            }

            var distribution = map.RequireScalar("distribution");
            switch (distribution)
            {
                case "constant":
                    return PeriodDistribution.Fixed(mean);
                case "exponential":
                    return new PeriodDistribution(PeriodKind.Exponential, mean);
                case "pareto":
                    var shapeText = map.Scalar("shape") ?? "1.5";
                    if (!double.TryParse(shapeText, NumberStyles.Float, CultureInfo.InvariantCulture, out var shape) || shape <= 1)
                    {
                        throw map.Error("shape", $"a Pareto shape must be a number above 1 for the mean to exist (got '{shapeText}')");
                    }

                    return new PeriodDistribution(PeriodKind.Pareto, mean, shape);
                default:
                    string[] kinds = ["constant", "exponential", "pareto"];
                    throw map.Error("distribution", $"unknown distribution '{distribution}'{YamlMap.DidYouMean(distribution, kinds)} (valid: {string.Join(", ", kinds)})");
            }
        }

        var constant = app.Duration(key)!.Value;
        return constant < SimTime.Zero ? throw app.Error(key, "must not be negative") : PeriodDistribution.Fixed(constant);
    }
}
