using NetSim.Scenarios.Model;
using NetSim.Scenarios.Yaml;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Scenarios;

/// <summary>
/// Reads a link's properties: rate, delay, mtu, framing, pmtud_black_hole, queue, loss and impair, each either one value for
/// both directions or <c>{ forward: ..., reverse: ... }</c>; forward carries the first host named to the second.
/// </summary>
internal static class LinkPropertiesReader
{
    public static readonly string[] Fields = ScenarioFields.LinkProperties;

    internal static readonly string[] QueueTypes = ["droptail", "red", "codel", "pie", "fq_codel", "fq_pie", "threshold"];
    internal static readonly string[] LossTypes = ["none", "bernoulli", "periodic", "gilbert-elliott", "scheduled"];

    /// <summary>Reads both directions; absent fields come from <paramref name="template"/> when one is given (the dumbbell's).</summary>
    public static (ChannelSpec Forward, ChannelSpec Reverse) Read(YamlMap link, YamlMap? template = null)
    {
        YamlMap Source(string key) => link.Has(key) || template is null ? link : template;

        var rate = Directional(Source("rate"), "rate", (m, k) => m.Rate(k));
        var delay = Directional(Source("delay"), "delay", (m, k) => m.Duration(k));
        var mtu = Directional(Source("mtu"), "mtu", (m, k) => m.Size(k));
        var framing = Directional(Source("framing"), "framing", (m, k) => m.Size(k));
        var blackHole = Directional(Source("pmtud_black_hole"), "pmtud_black_hole", (m, k) => m.Boolean(k));
        var queue = DirectionalMap(Source("queue"), "queue", ReadQueue);
        var loss = DirectionalMap(Source("loss"), "loss", ReadLoss);
        var impair = DirectionalMap(Source("impair"), "impair", ReadImpairments);

        ChannelSpec Channel(int direction)
        {
            var r = Pick(rate, direction) ?? throw Source("rate").Error("rate", "missing required field");
            if (r <= 0)
            {
                throw Source("rate").Error("rate", "a link rate must be positive");
            }

            var d = Pick(delay, direction) ?? throw Source("delay").Error("delay", "missing required field");
            var m = Pick(mtu, direction) ?? 1500;
            if (m is < 68 or > 65535)
            {
                throw Source("mtu").Error("mtu", $"an IPv4 MTU lies in [68, 65535] (got {m})");
            }

            var f = Pick(framing, direction) ?? 0;
            if (f is < 0 or > 1000)
            {
                throw Source("framing").Error("framing", $"link-layer framing lies in [0, 1000] bytes (got {f})");
            }

            return new ChannelSpec(r, d, (int)m,
                Pick(queue, direction) ?? new DropTailSpec(100, null),
                Pick(loss, direction) ?? NoLossSpec.Instance,
                Pick(impair, direction) ?? Impairments.None,
                (int)f,
                Pick(blackHole, direction) ?? false);
        }

        return (Channel(0), Channel(1));
    }

    private static T? Pick<T>((T? Forward, T? Reverse) values, int direction) => direction == 0 ? values.Forward : values.Reverse;

    private static (T? Forward, T? Reverse) Directional<T>(YamlMap map, string key, Func<YamlMap, string, T?> read)
        where T : struct
    {
        if (!map.IsDirectional(key))
        {
            var value = read(map, key);
            return (value, value);
        }

        var directions = map.RequireMap(key);
        return (read(directions, "forward") ?? throw directions.Error("forward", "give the value for each direction"),
            read(directions, "reverse") ?? throw directions.Error("reverse", "give the value for each direction"));
    }

    private static (T? Forward, T? Reverse) DirectionalMap<T>(YamlMap map, string key, Func<YamlMap, T> read)
        where T : class
    {
        if (!map.Has(key))
        {
            return (null, null);
        }

        if (!map.IsDirectional(key))
        {
            var value = read(map.RequireMap(key));
            return (value, value);
        }

        var directions = map.RequireMap(key);
        return (directions.Map("forward") is { } f ? read(f) : null, directions.Map("reverse") is { } r ? read(r) : null);
    }

    private static QueueSpec ReadQueue(YamlMap map)
    {
        var type = map.Scalar("type") ?? "droptail";
        switch (type)
        {
            case "droptail":
                map.RejectUnknownKeys(ScenarioFields.DropTailQueue);
                var packets = map.Integer("packets");
                var bytes = map.Size("bytes");
                if (packets is not null && bytes is not null)
                {
                    throw map.Error("bytes", "a drop-tail queue is limited in packets or in bytes, not both");
                }

                if (packets is < 1 or > int.MaxValue || bytes is < 1)
                {
                    throw map.Error(packets is not null ? "packets" : "bytes", "a queue holds at least one packet or byte");
                }

                return new DropTailSpec(packets is null && bytes is null ? 100 : (int?)packets, bytes);
            case "red":
                map.RejectUnknownKeys(ScenarioFields.RedQueue);
                var red = new RedParameters(
                    map.Integer("min_th") ?? throw map.Error("min_th", "missing required field (packets)"),
                    map.Integer("max_th") ?? throw map.Error("max_th", "missing required field (packets)"),
                    map.Probability("max_p") ?? 0.1,
                    map.Probability("weight") ?? 0.002,
                    (int)(map.Integer("limit") ?? 1000),
                    map.Boolean("gentle") ?? true,
                    map.Boolean("ecn") ?? false);
                try
                {
                    red.Validate();
                }
                catch (ArgumentException ex)
                {
                    throw map.Error("type", ex.Message);
                }

                return new RedSpec(red);
            case "codel":
                map.RejectUnknownKeys(ScenarioFields.CoDelQueue);
                return new CoDelSpec(PositiveTime(map, "target", 5), PositiveTime(map, "interval", 100),
                    Limit(map, 1000), map.Boolean("ecn") ?? false);
            case "pie":
                map.RejectUnknownKeys(ScenarioFields.PieQueue);
                return new PieSpec(ReadPie(map, PieParameters.Default));
            case "fq_pie":
                map.RejectUnknownKeys(ScenarioFields.FqPieQueue);
                var ecnProbability = map.Integer("ecn_prob") ?? 10;
                return new FqPieSpec(
                    ReadPie(map, PieParameters.Default with { Limit = 10240 }),
                    (int)Positive(map, "flows", 1024),
                    map.Integer("quantum") is null ? null : (int)Positive(map, "quantum", 0),
                    ecnProbability is >= 0 and <= 100 ? (int)ecnProbability : throw map.Error("ecn_prob", "a percentage from 0 to 100"));
            case "fq_codel":
                map.RejectUnknownKeys(ScenarioFields.FqCoDelQueue);
                return new FqCoDelSpec(PositiveTime(map, "target", 5), PositiveTime(map, "interval", 100), Limit(map, 10240),
                    (int)Positive(map, "flows", 1024), (int)Positive(map, "quantum", 1514), map.Boolean("ecn") ?? true);
            case "threshold":
                map.RejectUnknownKeys(ScenarioFields.ThresholdQueue);
                var k = map.Integer("k") ?? throw map.Error("k", "missing required field (marking threshold in packets)");
                var limit = Limit(map, 1000);
                if (k < 0 || k >= limit)
                {
                    throw map.Error("k", $"the marking threshold lies in [0, limit = {limit}) packets");
                }

                return new ThresholdSpec((int)k, limit);
            default:
                throw map.Error("type", $"unknown queue '{type}'{YamlMap.DidYouMean(type, QueueTypes)} (valid: {string.Join(", ", QueueTypes)})");
        }
    }

    private static LossSpec ReadLoss(YamlMap map)
    {
        var type = map.RequireScalar("type");
        switch (type)
        {
            case "none":
                map.RejectUnknownKeys(ScenarioFields.NoLoss);
                return NoLossSpec.Instance;
            case "bernoulli":
                map.RejectUnknownKeys(ScenarioFields.BernoulliLoss);
                return new BernoulliSpec(map.Probability("p") ?? throw map.Error("p", "missing required field"));
            case "periodic":
                map.RejectUnknownKeys(ScenarioFields.PeriodicLoss);
                return new PeriodicSpec(Period(map));
            case "gilbert-elliott":
                map.RejectUnknownKeys(ScenarioFields.GilbertElliottLoss);
                var p = map.Probability("p") ?? throw map.Error("p", "missing required field (Good to Bad transition probability)");
                var r = map.Probability("r") ?? throw map.Error("r", "missing required field (Bad to Good transition probability)");
                if (p + r == 0)
                {
                    throw map.Error("r", "p and r cannot both be 0");
                }

                return new GilbertElliottSpec(p, r, map.Probability("loss_good") ?? 0, map.Probability("loss_bad") ?? 1);
            case "scheduled":
                map.RejectUnknownKeys(ScenarioFields.ScheduledLoss);
                var ordinals = new List<long>();
                foreach (var (text, node, path) in map.ScalarSequence("drop"))
                {
                    if (!long.TryParse(text, out var n) || n < 1)
                    {
                        throw map.Error(node, path, $"'{text}' is not a packet number (1 is the first packet in this direction)");
                    }

                    ordinals.Add(n);
                }

                var segments = new List<(string, uint, int, SourceLocation)>();
                foreach (var (node, path) in map.Sequence("segments"))
                {
                    var segment = new YamlMap(map.File, path, node);
                    segment.RejectUnknownKeys(ScenarioFields.ScheduledSegment);
                    var seq = segment.Integer("seq") ?? throw segment.Error("seq", "missing required field (sequence number relative to the ISN; the first data byte is 1)");
                    var times = segment.Integer("times") ?? 1;
                    if (seq is < 1 or > uint.MaxValue || times < 1)
                    {
                        throw segment.Error(seq < 1 ? "seq" : "times", "must be positive");
                    }

                    segments.Add((segment.RequireScalar("flow"), (uint)seq, (int)times, segment.Location("flow")));
                }

                return new ScheduledSpec(ordinals, segments);
            default:
                throw map.Error("type", $"unknown loss model '{type}'{YamlMap.DidYouMean(type, LossTypes)} (valid: {string.Join(", ", LossTypes)})");
        }
    }

    /// <summary>A periodic loss's period: <c>every: N</c> packets, or <c>p</c> as its reciprocal rounded to whole packets.</summary>
    private static long Period(YamlMap map)
    {
        var every = map.Integer("every");
        var p = map.Probability("p");
        if (every is not null && p is not null)
        {
            throw map.Error("every", "give either p or every, not both");
        }

        if (every is { } n)
        {
            return n >= 2 ? n : throw map.Error("every", "must be at least 2 (every packet lost would carry nothing)");
        }

        var probability = p ?? throw map.Error("p", "missing required field (or every: N packets)");
        var period = probability > 0 ? Math.Round(1 / probability) : 0;
        return period >= 2 ? (long)period : throw map.Error("p", "must lie in (0, 50%]: one packet lost in every 1/p");
    }

    private static Impairments ReadImpairments(YamlMap map)
    {
        map.RejectUnknownKeys(ScenarioFields.Impairments);
        var reorderFraction = 0.0;
        var reorderExtra = SimTime.Zero;
        if (map.Map("reorder") is { } reorder)
        {
            reorder.RejectUnknownKeys(ScenarioFields.Reorder);
            reorderFraction = reorder.Probability("fraction") ?? throw reorder.Error("fraction", "missing required field");
            reorderExtra = reorder.Duration("extra") ?? throw reorder.Error("extra", "missing required field (the extra delay)");
        }

        var jitterMax = SimTime.Zero;
        var jitterReorders = false;
        if (map.Map("jitter") is { } jitter)
        {
            jitter.RejectUnknownKeys(ScenarioFields.Jitter);
            jitterMax = jitter.Duration("max") ?? throw jitter.Error("max", "missing required field");
            jitterReorders = jitter.Boolean("reorder") ?? false;
        }

        return new Impairments(reorderFraction, reorderExtra, map.Probability("duplicate") ?? 0, jitterMax, jitterReorders, map.Probability("corrupt") ?? 0);
    }

    private static SimTime PositiveTime(YamlMap map, string key, long defaultMs)
    {
        var value = map.Duration(key) ?? SimTime.FromMilliseconds(defaultMs);
        return value > SimTime.Zero ? value : throw map.Error(key, "must be positive");
    }

    /// <summary>PIE's parameters, as sch_pie and sch_fq_pie take them, over <paramref name="defaults"/>.</summary>
    private static PieParameters ReadPie(YamlMap map, PieParameters defaults) => defaults with
    {
        Target = PositiveTime(map, "target", defaults.Target.Milliseconds),
        Update = PositiveTime(map, "tupdate", defaults.Update.Milliseconds),
        Limit = Limit(map, defaults.Limit),
        Alpha = Sixteenths(map, "alpha", defaults.Alpha),
        Beta = Sixteenths(map, "beta", defaults.Beta),
        Ecn = map.Boolean("ecn") ?? defaults.Ecn,
        ByteMode = map.Boolean("bytemode") ?? defaults.ByteMode,
        DequeueRateEstimator = map.Boolean("dq_rate_estimator") ?? defaults.DequeueRateEstimator,
    };

    /// <summary>PIE's alpha or beta, in sixteenths from 0 to 32 as tc-pie takes them.</summary>
    private static int Sixteenths(YamlMap map, string key, int defaultValue)
    {
        var value = map.Integer(key) ?? defaultValue;
        return value is >= 0 and <= 32 ? (int)value : throw map.Error(key, "must be a whole number of sixteenths from 0 to 32 (tc-pie's unit: 2 is 0.125)");
    }

    private static int Limit(YamlMap map, int defaultPackets) => (int)Positive(map, "limit", defaultPackets);

    private static long Positive(YamlMap map, string key, long defaultValue)
    {
        var value = map.Integer(key) ?? defaultValue;
        return value is >= 1 and <= int.MaxValue ? value : throw map.Error(key, "must be a positive whole number");
    }
}
