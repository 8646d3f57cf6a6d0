using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Tcp.Congestion;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// Whole scenarios drawn at random from what the format offers: a dumbbell of one to four pairs,
/// any queue discipline at the bottleneck, any loss model on it, any congestion control and ECN
/// mode, any of sixteen settings changed from Linux's defaults, bulk, on-off and request-response
/// applications (with TCP Fast Open too), and one of the built-in sock_ops programs on every host, recorded with every
/// trace. Each runs to its end, writes its results, and every flow's bytes arrive once and in
/// order. (Bytes, not wider integers, carry the choices: FsCheck draws bytes over their whole
/// range but keeps wider integers small.)
/// </summary>
public sealed class RandomScenarioPropertyTests : IDisposable
{
    private static readonly string[] Queues =
    [
        "{ type: droptail, packets: 20 }",
        "{ type: red, min_th: 5, max_th: 15, max_p: 10%, weight: 0.002, limit: 60 }",
        "{ type: codel }",
        "{ type: fq_codel }",
        "{ type: threshold, k: 10, limit: 100 }",
    ];

    private static readonly string[] Losses =
    [
        "{ type: none }",
        "{ type: bernoulli, p: 1% }",
        "{ type: bernoulli, p: 5% }",
        "{ type: gilbert-elliott, p: 1%, r: 30% }",
        "{ type: periodic, every: 50 }",
    ];

    private static readonly string[] Apps =
    [
        "{ type: bulk }",
        "{ type: bulk, bytes: 300KB }",
        "{ type: onoff, rate: 4Mbps, on: 300ms, off: 200ms }",
        "{ type: request_response, request: 2KB, response: 60KB, think: 100ms }",
        "{ type: request_response, request: 5KB, response: 20KB, requests: 1, fast_open: true }",
        "{ type: request_response, request: 500B, response: 200KB, think: 50ms, fast_open: true }",
    ];

    /// <summary>Each built-in program with what its entry needs besides program and attach.</summary>
    private static readonly string[] Programs =
    [
        "program: builtin:basertt", "program: builtin:bufs", "program: builtin:clamp", "program: builtin:cong", "program: builtin:dumpstats",
        "program: builtin:iw", "program: builtin:net_timestamping", "program: builtin:rwnd", "program: builtin:synrto", "program: builtin:tcp_rtt",
        "program: builtin:tcpbpf", "program: builtin:tos_reflect", "program: builtin:watch, params: { flags: [RTO, RETRANS, STATE, RTT] }",
    ];

    /// <summary>Settings a researcher changes from the defaults; a generated bit mask picks any of them.</summary>
    private static readonly string[] Extras =
    [
        "receive_buffer: 16KiB", "send_buffer: 16KiB", "mss: 536", "small_queues: true", "pacing: true", "sack: false",
        "timestamps: false", "window_scaling: false", "rack: false", "mtu_probing: 2", "nodelay: true", "ack_every_segment: true",
        "tlp: false", "frto: false", "prr: false", "notsent_lowat: 4096",
    ];

    private static readonly string[] Rates = ["2Mbps", "10Mbps", "50Mbps"];

    private static readonly string[] Delays = ["1ms", "10ms", "40ms"];

    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Property(MaxTest = 30)]
    public Property AnyScenarioRunsToItsEndAndDeliversEveryFlowIntact(
        PositiveInt seed, byte pairs, byte queue, byte loss, byte app, byte algorithm, byte ecn, byte program, byte rate, byte delay, byte lowExtras, byte highExtras)
    {
        var names = CongestionControlRegistry.Names;
        var extras = lowExtras | (highExtras << 8);
        var hosts = 1 + (pairs % 4);
        var yaml = string.Create(CultureInfo.InvariantCulture, $$"""
            name: random
            seed: {{seed.Get}}
            duration: 4s
            defaults: { profile: linux, congestion: {{names[algorithm % names.Count]}}, ecn: {{ecn % 4}}{{string.Concat(Extras.Where((_, i) => (extras & (1 << i)) != 0).Select(e => ", " + e))}} }
            dumbbell:
              pairs: {{hosts}}
              bottleneck:
                rate: {{Rates[rate % Rates.Length]}}
                delay: {{Delays[delay % Delays.Length]}}
                queue: {{Queues[queue % Queues.Length]}}
                loss: {{Losses[loss % Losses.Length]}}
              access: { rate: 100Mbps, delay: 1ms }
              flow: { app: {{Apps[app % Apps.Length]}} }
            sockops:
              - { {{Programs[program % Programs.Length]}}, attach: { hosts: [{{string.Join(", ", Enumerable.Range(1, hosts).SelectMany(i => new[] { $"s{i}", $"d{i}" }))}}] } }
            trace: [cwnd, rtt, sockops, queue, throughput]
            """);

        var result = ScenarioRunner.Run(ScenarioParser.Parse(yaml, "random.yaml"), _temporary.Combine($"run-{Guid.NewGuid():N}"));

        var failures = result.Flows.Where(f => f.DeliveryCheck != "ok").Select(f => $"{f.Flow}: {f.DeliveryCheck}").ToList();
        return Prop.Label(failures.Count == 0, $"{string.Join("; ", failures)}\n{yaml}");
    }
}
