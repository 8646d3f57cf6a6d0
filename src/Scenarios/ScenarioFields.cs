namespace NetSim.Scenarios;

/// <summary>
/// The fields each mapping of a scenario file takes: the readers refuse any other key with these
/// lists, and the JSON Schema of the format (<see cref="Schema.ScenarioSchema"/>) is generated
/// from the same lists, so the two cannot drift apart.
/// </summary>
internal static class ScenarioFields
{
    public static readonly string[] Top =
        ["name", "seed", "duration", "kernel", "defaults", "hosts", "routers", "links", "dumbbell", "flows", "sockops", "trace", "trace_interval", "pcap", "sweep"];

    public static readonly string[] Kernel = ["version", "hz"];
    public static readonly string[] Pcap = ["links", "hosts"];
    public static readonly string[] LinkProperties = ["rate", "delay", "mtu", "framing", "pmtud_black_hole", "queue", "loss", "impair"];
    public static readonly string[] Link = ["between", .. LinkProperties];
    public static readonly string[] Dumbbell = ["pairs", "bottleneck", "access", "flow"];
    public static readonly string[] Flow = ["name", "from", "to", "app", "start", "stop", "tcp"];
    public static readonly string[] FlowTemplate = ["app", "start", "stop", "tcp"];

    public static readonly string[] BulkApp = ["type", "bytes"];
    public static readonly string[] OnOffApp = ["type", "on", "off", "rate", "bytes"];
    public static readonly string[] SynFloodApp = ["type", "target", "syns_per_second"];
    public static readonly string[] RequestResponseApp = ["type", "request", "response", "think", "requests", "fast_open", "connection", "close", "connections"];
    public static readonly string[] Period = ["distribution", "mean", "shape"];

    public static readonly string[] DropTailQueue = ["type", "packets", "bytes"];
    public static readonly string[] RedQueue = ["type", "min_th", "max_th", "max_p", "weight", "limit", "gentle", "ecn"];
    public static readonly string[] CoDelQueue = ["type", "target", "interval", "limit", "ecn"];
    public static readonly string[] PieQueue = ["type", "target", "tupdate", "limit", "alpha", "beta", "ecn", "bytemode", "dq_rate_estimator"];
    public static readonly string[] FqPieQueue = ["type", "target", "tupdate", "limit", "alpha", "beta", "ecn", "bytemode", "dq_rate_estimator", "flows", "quantum", "ecn_prob"];
    public static readonly string[] FqCoDelQueue = ["type", "target", "interval", "limit", "flows", "quantum", "ecn"];
    public static readonly string[] ThresholdQueue = ["type", "k", "limit"];

    public static readonly string[] NoLoss = ["type"];
    public static readonly string[] BernoulliLoss = ["type", "p"];
    public static readonly string[] PeriodicLoss = ["type", "p", "every"];
    public static readonly string[] GilbertElliottLoss = ["type", "p", "r", "loss_good", "loss_bad"];
    public static readonly string[] ScheduledLoss = ["type", "drop", "segments"];
    public static readonly string[] ScheduledSegment = ["flow", "seq", "times"];

    public static readonly string[] Impairments = ["reorder", "duplicate", "jitter", "corrupt"];
    public static readonly string[] Reorder = ["fraction", "extra"];
    public static readonly string[] Jitter = ["max", "reorder"];

    public static readonly string[] SockOpsEntry = ["program", "attach", "params", "on_error"];
    public static readonly string[] Attach = ["hosts", "flows", "ports"];

    public static readonly string[] Sweep = ["parameters", "seeds", "plots"];
    public static readonly string[] SweepPlot = ["metric", "x", "series"];
}
