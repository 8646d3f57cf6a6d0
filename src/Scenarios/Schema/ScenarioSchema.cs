using System.Text.Json;
using System.Text.Json.Nodes;
using NetSim.SockOps.Programs;
using NetSim.Tcp.Congestion;

namespace NetSim.Scenarios.Schema;

/// <summary>
/// The JSON Schema (draft 2020-12) of the scenario format, generated from the field lists the
/// readers enforce (<see cref="ScenarioFields"/>, <see cref="TcpSettingsReader.Fields"/>) and the
/// choices they accept (queue and loss types, applications, congestion controls, traces, built-in
/// programs). Every field must be described here, or generating the schema fails. Kept in the
/// repository as <c>scenario.schema.json</c>, so that an editor with a YAML language server
/// completes and checks scenario files; a test keeps the file equal to what this generates.
/// </summary>
public static class ScenarioSchema
{
    private const string UnitPattern = @"^[0-9]+(\.[0-9]+)?\s*[A-Za-z/%]*$";

    public static string Generate()
    {
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = "https://netsim.invalid/scenario.schema.json",
            ["title"] = "NetSim scenario",
            ["description"] = "A NetSim scenario: topology, flows, sock_ops programs, what to trace, and optionally a sweep.",
        };
        foreach (var (key, value) in Object(ScenarioFields.Top, TopField, required: ["name", "duration"]))
        {
            schema[key] = value?.DeepClone();
        }

        schema["$defs"] = new JsonObject
        {
            ["linkProperties"] = Object(ScenarioFields.LinkProperties, LinkField),
            ["link"] = Object(ScenarioFields.Link, LinkOrBetween, required: ["between"]),
            ["tcp"] = Object(TcpSettingsReader.Fields, TcpField),
            ["flowTemplate"] = Object(ScenarioFields.FlowTemplate, FlowField),
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    private static JsonNode TopField(string key) => key switch
    {
        "name" => Text("Names the results folder: letters, digits, '-' and '_'.", pattern: "^[A-Za-z0-9_.-]+$"),
        "seed" => Integer("Seeds every random stream of the run.", minimum: 0),
        "duration" => Unit("Simulated time, e.g. 30s."),
        "kernel" => Object(ScenarioFields.Kernel, k => k == "version"
            ? Text("The Linux modelled, major.minor, e.g. \"6.18\".", pattern: @"^[0-9]+\.[0-9]+$")
            : Choice("Linux HZ.", [100, 250, 300, 1000])),
        "defaults" => Ref("tcp", "TCP settings for every flow."),
        "hosts" or "routers" => Names($"The {key}, by name."),
        "links" => Array(Ref("link", "A link."), "Point-to-point links."),
        "dumbbell" => Object(ScenarioFields.Dumbbell, key => key switch
        {
            "pairs" => Integer("Sender/receiver pairs s1..sN, d1..dN.", minimum: 1),
            "flow" => Ref("flowTemplate", "A flow fi from si to di for each pair."),
            _ => Ref("linkProperties", key == "bottleneck" ? "The r1-r2 link." : "Each host's link to its router."),
        }, required: ["pairs", "bottleneck", "access"]),
        "flows" => Array(Object(ScenarioFields.Flow, FlowField, required: ["from", "to", "app"]), "Flows between hosts."),
        "sockops" => Array(Object(ScenarioFields.SockOpsEntry, SockOpsField, required: ["program", "attach"]), "sock_ops programs and where they attach."),
        "trace" => Array(Choice("What to record.", [.. ScenarioParser.TraceNames.Keys]), "Traces beyond flows.csv, links.csv and events.csv."),
        "trace_interval" => Unit("How often throughput is sampled, e.g. 100ms."),
        "pcap" => Object(ScenarioFields.Pcap, k => Names(k == "links" ? "Links to capture, as A-B." : "Hosts to capture.")),
        "sweep" => Object(ScenarioFields.Sweep, SweepField, required: ["parameters"]),
        _ => throw Missing("top level", key),
    };

    private static JsonNode LinkOrBetween(string key) =>
        key == "between" ? Array(Text("A node."), "The two nodes the link joins; forward is from the first.", count: 2) : LinkField(key);

    private static JsonNode LinkField(string key)
    {
        var value = key switch
        {
            "rate" => Unit("Bit rate, e.g. 10Mbps or 1Gbit/s."),
            "delay" => Unit("One-way propagation delay, e.g. 20ms."),
            "mtu" => Integer("Largest IP packet in bytes.", minimum: 68),
            "framing" => Integer("Link-layer bytes each packet adds on the wire (2 for ns-3's PPP, 38 for Ethernet with preamble and gap); default 0.", minimum: 0),
            "pmtud_black_hole" => Bool("Packets too big for the link are dropped without an ICMP Fragmentation Needed (RFC 2923 black hole); default false."),
            "queue" => Variants("type", LinkPropertiesReader.QueueTypes, t => t switch
            {
                "droptail" => ScenarioFields.DropTailQueue,
                "red" => ScenarioFields.RedQueue,
                "codel" => ScenarioFields.CoDelQueue,
                "pie" => ScenarioFields.PieQueue,
                "fq_pie" => ScenarioFields.FqPieQueue,
                "fq_codel" => ScenarioFields.FqCoDelQueue,
                _ => ScenarioFields.ThresholdQueue,
            }, QueueField),
            "loss" => Variants("type", LinkPropertiesReader.LossTypes, t => t switch
            {
                "none" => ScenarioFields.NoLoss,
                "bernoulli" => ScenarioFields.BernoulliLoss,
                "periodic" => ScenarioFields.PeriodicLoss,
                "gilbert-elliott" => ScenarioFields.GilbertElliottLoss,
                _ => ScenarioFields.ScheduledLoss,
            }, LossField),
            "impair" => Object(ScenarioFields.Impairments, k => k switch
            {
                "reorder" => Object(ScenarioFields.Reorder, r => r == "fraction" ? Unit("Share of packets held back, e.g. 1%.") : Unit("Extra delay, e.g. 5ms.")),
                "jitter" => Object(ScenarioFields.Jitter, j => j == "max" ? Unit("Largest extra delay.") : Bool("Whether jitter may reorder packets.")),
                _ => Unit($"Share of packets {(k == "duplicate" ? "duplicated" : "corrupted")}, e.g. 0.1%."),
            }),
            _ => throw Missing("link", key),
        };

        // Every property is one value for both directions or { forward, reverse }.
        return new JsonObject
        {
            ["anyOf"] = new JsonArray(value, Object(["forward", "reverse"], _ => value.DeepClone())),
        };
    }

    private static JsonNode QueueField(string key) => key switch
    {
        "packets" or "limit" or "flows" or "k" or "min_th" or "max_th" => Integer($"{key} (packets).", minimum: 0),
        "bytes" => Unit("bytes, e.g. 64KiB."),
        "quantum" => Integer("quantum: bytes a flow queue may send per round, a whole number (FQ-CoDel's default 1514, FQ-PIE's the MTU).", minimum: 1),
        "max_p" or "weight" => Unit($"{key}, a probability, e.g. 10%."),
        "target" => Unit("The queueing delay CoDel or PIE aims at, e.g. 5ms (CoDel's default; PIE's is 15ms)."),
        "interval" => Unit("CoDel's interval, e.g. 100ms."),
        "tupdate" => Unit("How often PIE recomputes its drop probability, e.g. 15ms (the default)."),
        "alpha" or "beta" => Integer($"PIE's {key} in sixteenths, as tc-pie takes it (default {(key == "alpha" ? "2, 0.125" : "20, 1.25")}).", minimum: 0),
        "ecn_prob" => Integer("FQ-PIE marks an ECN-capable packet instead of dropping it while its flow's drop probability is at most this many percent (default 10).", minimum: 0),
        "bytemode" => Bool("PIE drops small packets less, in proportion to their size (default false)."),
        "dq_rate_estimator" => Bool("PIE estimates the queueing delay from the drain rate instead of each packet's sojourn time (default false)."),
        "gentle" or "ecn" => Bool($"{key}."),
        _ => throw Missing("queue", key),
    };

    private static JsonNode LossField(string key) => key switch
    {
        "p" or "r" or "loss_good" or "loss_bad" => Unit($"{key}, a probability, e.g. 1%."),
        "every" => Integer("Drop one packet in this many.", minimum: 1),
        "drop" => Array(Integer("Packet ordinal, from 1.", minimum: 1), "Packets to drop, by ordinal on the link."),
        "segments" => Array(Object(ScenarioFields.ScheduledSegment, s => s == "flow" ? Text("A flow's name.") : Integer($"{s}.", minimum: 0)), "Segments to drop."),
        _ => throw Missing("loss", key),
    };

    private static JsonNode FlowField(string key) => key switch
    {
        "name" => Text("Names the flow in the results."),
        "from" or "to" => Text($"The {(key == "from" ? "sending" : "receiving")} host."),
        "start" or "stop" => Unit($"When the application {key}s, e.g. 1s."),
        "tcp" => Ref("tcp", "TCP settings for this flow, over the defaults."),
        "app" => Variants("type", ApplicationReader.Types, t => t switch
        {
            "bulk" => ScenarioFields.BulkApp,
            "onoff" => ScenarioFields.OnOffApp,
            "syn_flood" => ScenarioFields.SynFloodApp,
            _ => ScenarioFields.RequestResponseApp,
        }, AppField),
        _ => throw Missing("flow", key),
    };

    private static JsonNode AppField(string key) => key switch
    {
        "bytes" or "request" or "response" => Unit($"{key} in bytes, e.g. 100KB."),
        "rate" => Unit("Sending rate while on, e.g. 8Mbps."),
        "requests" => Integer("How many exchanges.", minimum: 1),
        "target" => Text("The flow whose listener a SYN flood aims at (it must end at the same host)."),
        "syns_per_second" => new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["maximum"] = 10_000_000, ["description"] = "Forged SYNs a second." },
        "fast_open" => Bool("Open the connection with TCP Fast Open (RFC 7413): the request rides in the SYN once the client holds the server's cookie, which its first connection asks for."),
        "connection" => Choice("persistent: every exchange over one connection (default); per_request: each on a connection of its own, which the client closes once the response is in, so its sockets wait out TIME-WAIT holding their ports.", ["persistent", "per_request"]),
        "connections" => Integer("How many clients run side by side, each its own exchange loop of `requests` exchanges over its own connections to the flow's one listener (default 1); they start together, so their SYNs reach the listener as one burst.", minimum: 1),
        "close" => Choice("With connection: per_request, which side closes first and so waits in TIME-WAIT: client (default) or server.", ["client", "server"]),
        "on" or "off" or "think" => new JsonObject
        {
            ["anyOf"] = new JsonArray(
                Unit("A fixed duration."),
                Object(ScenarioFields.Period, p => p switch
                {
                    "distribution" => Choice("The distribution.", ["exponential", "pareto", "constant"]),
                    "mean" => Unit("Its mean, e.g. 1s."),
                    _ => Unit("Pareto shape, e.g. 1.5."),
                })),
        },
        _ => throw Missing("app", key),
    };

    private static JsonNode TcpField(string key) => key switch
    {
        "profile" => Choice("Base settings.", ["linux", "rfc"]),
        "congestion" => Choice("Congestion control.", [.. CongestionControlRegistry.Names, "newreno"]),
        "rtt_estimator" => Choice("RTT estimator.", ["linux", "rfc6298"]),
        "hystart" => Choice("Slow-start exit.", ["classic", "plusplus", "off"]),
        "ecn" => Choice("Linux tcp_ecn: 0 off; RFC 3168 ECN: 1 ask, 2 accept when asked; Accurate ECN: 3 ask, 4 accept (ask for RFC 3168), 5 accept only.", [0, 1, 2, 3, 4, 5]),
        "ecn_option" => Choice("Linux tcp_ecn_option: 0 never, 1 when needed, 2 every segment unless it fails to get through, 3 every segment.", [0, 1, 2, 3]),
        "mtu_probing" => Choice("Linux tcp_mtu_probing (RFC 4821 path MTU probing): 0 off, 1 once timeouts suggest a black hole, 2 always.", [0, 1, 2]),
        "base_mss" => Integer("Linux tcp_base_mss: the MSS MTU probing starts from and falls back to (default 1024).", minimum: 48),
        "tw_reuse" => Choice("Linux tcp_tw_reuse: whether connect() may take over a TIME-WAIT socket's 4-tuple: 0 never, 1 once it is older than tw_reuse_delay, 2 only with a loopback address (default).", [0, 1, 2]),
        "tw_reuse_delay" => Unit("Linux tcp_tw_reuse_delay: how old a TIME-WAIT socket must be before connect() takes it over, 1ms to 60s (default 1000ms)."),
        "abort_on_overflow" => Bool("Linux tcp_abort_on_overflow: the ACK that would complete a handshake while the accept queue is full is answered with a RST (default false: dropped, the request waits)."),
        "syn_cookies" => Choice("Linux tcp_syncookies: 0 never (a SYN beyond the listen backlog of waiting requests is dropped), 1 for such a SYN (default), 2 for every SYN.", [0, 1, 2]),
        "local_port_range" => Text("Linux ip_local_port_range, LOW-HIGH: the ports connect() chooses from (default 32768-60999).", pattern: "^[0-9]+-[0-9]+$"),
        "mss" or "initial_cwnd" or "dupthresh" or "syn_retries" or "synack_retries" or "syn_linear_timeouts" or "retries2"
            or "keepalive_probes" or "listen_backlog" or "quick_acks" => Integer($"{key}.", minimum: 0),
        "initial_rto" or "min_rto" or "max_rto" or "delayed_ack" or "time_wait" or "fin_timeout" or "keepalive_time" or "keepalive_interval"
            or "invalid_ack_rate_limit" => Unit($"{key}, a duration."),
        "receive_buffer_max" => Unit("Linux tcp_rmem[2] in bytes, e.g. 32MiB: sets the window scale, and the receive autotuning grows the buffer up to it (without it the buffer stays at receive_buffer)."),
        "tso_win_divisor" => Integer("Linux tcp_tso_win_divisor: TSO deferral sends an skb the windows let go only in part once this fraction of the window is free (default 3; 0: more than three segments).", minimum: 0),
        "moderate_rcvbuf" => Bool("Linux tcp_moderate_rcvbuf: receive buffer autotuning where receive_buffer_max lets the buffer grow (default true)."),
        "small_queues" => Bool("TCP Small Queues (Linux tcp_small_queue_check()): a sender keeps two of its TSO packets, or a millisecond at its pacing rate if that is more, in its own host's queue (default false, as ns-3 has none; Linux always has it)."),
        "limit_output_bytes" => Unit("Linux tcp_limit_output_bytes: the most small_queues lets an unpaced sender keep in its host's queue, e.g. 4MiB (the default)."),
        "timestamp_offsets" => Bool("Linux tcp_timestamps 1 against 2: each connection's TSvals carry a random offset (default true); false, the simulation's clock, which every host shares (TCP-LP's one-way delays then read true)."),
        "shrink_window" => Bool("Linux tcp_shrink_window: with window scaling the offered window may shrink to the free receive space (default false)."),
        "rcvbuf_low_rtt" => Unit("Linux tcp_rcvbuf_low_rtt: below this receiver RTT the autotuning grows the buffer in proportion to the RTT (default 1ms)."),
        "receive_buffer" or "send_buffer" or "send_buffer_max" or "wmem_max" or "rmem_max" or "notsent_lowat" => Unit($"{key} in bytes, e.g. 4MiB."),
        "nodelay" or "window_scaling" or "timestamps" or "sack" or "dsack" or "rack" or "tlp" or "keepalive" or "ack_every_segment"
            or "byte_counting" or "ecn_fallback" or "ecn_low" or "frto" or "pacing" or "prr" or "thin_linear_timeouts" or "slow_start_after_idle" => Bool($"{key}."),
        _ => throw Missing("tcp", key),
    };

    private static JsonNode SockOpsField(string key) => key switch
    {
        "program" => Text(
            $"builtin:NAME ({string.Join(", ", BuiltinPrograms.Names)}) or file:PATH.cs.",
            pattern: "^(builtin:[a-z_]+|file:.+\\.cs)$"),
        "attach" => Object(ScenarioFields.Attach, a => a == "ports" ? Array(Integer("A port.", minimum: 1), "Local or remote ports.") : Names($"The {a}.")),
        "params" => new JsonObject { ["type"] = "object", ["description"] = "The program's parameters." },
        "on_error" => Choice("What a throwing program does to the run.", ["continue", "stop"]),
        _ => throw Missing("sockops", key),
    };

    private static JsonNode SweepField(string key) => key switch
    {
        "seeds" => Integer("Runs per grid point.", minimum: 1),
        "parameters" => new JsonObject
        {
            ["type"] = "object",
            ["description"] = "Scenario fields, named as errors name them (links[0].loss.forward.p), with the values each takes.",
            ["additionalProperties"] = new JsonObject { ["type"] = "array", ["minItems"] = 1 },
        },
        "plots" => Array(Object(ScenarioFields.SweepPlot, p => Text(p == "metric" ? "A metric of sweep.csv." : "A swept field.")), "Figures of the sweep."),
        _ => throw Missing("sweep", key),
    };

    private static JsonObject Object(IEnumerable<string> keys, Func<string, JsonNode> describe, string[]? required = null)
    {
        var properties = new JsonObject();
        foreach (var key in keys)
        {
            properties[key] = describe(key);
        }

        var node = new JsonObject { ["type"] = "object", ["properties"] = properties, ["additionalProperties"] = false };
        if (required is { Length: > 0 })
        {
            node["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        }

        return node;
    }

    /// <summary>A mapping told apart by <paramref name="discriminator"/>: one branch per choice, with that choice's fields.</summary>
    private static JsonNode Variants(string discriminator, IEnumerable<string> choices, Func<string, string[]> fields, Func<string, JsonNode> describe) => new JsonObject
    {
        ["oneOf"] = new JsonArray([.. choices.Select(choice =>
        {
            var branch = Object(fields(choice), key => key == discriminator ? new JsonObject { ["const"] = choice } : describe(key), required: [discriminator]);
            return (JsonNode)branch;
        })]),
    };

    private static JsonObject Text(string description, string? pattern = null)
    {
        var node = new JsonObject { ["type"] = "string", ["description"] = description };
        if (pattern is not null)
        {
            node["pattern"] = pattern;
        }

        return node;
    }

    private static JsonObject Unit(string description) => new()
    {
        ["description"] = description,
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "number" }, new JsonObject { ["type"] = "string", ["pattern"] = UnitPattern }),
    };

    private static JsonObject Integer(string description, long minimum) => new() { ["type"] = "integer", ["minimum"] = minimum, ["description"] = description };

    private static JsonObject Bool(string description) => new() { ["type"] = "boolean", ["description"] = description };

    private static JsonObject Choice(string description, IEnumerable<string> values) => new() { ["description"] = description, ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };

    private static JsonObject Choice(string description, IEnumerable<int> values) => new() { ["description"] = description, ["enum"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) };

    private static JsonObject Names(string description) => Array(new JsonObject { ["type"] = "string" }, description);

    private static JsonObject Array(JsonNode items, string description, int? count = null)
    {
        var node = new JsonObject { ["type"] = "array", ["items"] = items, ["description"] = description };
        if (count is { } n)
        {
            node["minItems"] = n;
            node["maxItems"] = n;
        }

        return node;
    }

    private static JsonObject Ref(string definition, string description) => new() { ["$ref"] = $"#/$defs/{definition}", ["description"] = description };

    private static InvalidOperationException Missing(string section, string key) =>
        new($"scenario schema: the {section} field '{key}' has no description; add it to {nameof(ScenarioSchema)}");
}
