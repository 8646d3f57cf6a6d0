using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Tcp.Congestion;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// Whole scenarios drawn at random from what the format offers: a dumbbell of one to four pairs,
/// any queue discipline at the bottleneck, any loss model, a smaller MTU or impairments on it, any congestion control and ECN
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
        "{ type: pie, limit: 100 }",
        "{ type: fq_pie, limit: 100, ecn: true }",
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

    /// <summary>The bottleneck's MTU (routers answer bigger packets with ICMP, and hosts learn the path MTU) and its impairments.</summary>
    private static readonly string[] Paths =
    [
        "mtu: 1500",
        "mtu: 1400",
        "mtu: 576",
        "mtu: 1280\n    impair: { reorder: { fraction: 2%, extra: 5ms } }",
        "impair: { duplicate: 1%, corrupt: 0.5% }",
        "impair: { jitter: { max: 3ms, reorder: true } }",
    ];

    private static readonly string[] Rates = ["2Mbps", "10Mbps", "50Mbps"];

    private static readonly string[] Delays = ["1ms", "10ms", "40ms"];

    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Property(MaxTest = 30)]
    public Property AnyScenarioRunsToItsEndAndDeliversEveryFlowIntact(
        PositiveInt seed, byte pairs, byte queue, byte loss, byte app, byte algorithm, byte ecn, byte program, byte rate, byte delay, byte lowExtras, byte highExtras, byte path)
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
                {{Paths[path % Paths.Length]}}
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

    /// <summary>
    /// Many short connections between the same two hosts through a router: connection-per-request
    /// and parallel clients against a small accept queue, with or without SYN cookies, TIME-WAIT
    /// reuse, a SYN flood beside them, and loss. Every flow's bytes arrive once and in order.
    /// </summary>
    [Property(MaxTest = 20)]
    public Property ManyShortConnectionsRunToTheirEndIntact(
        PositiveInt seed, byte backlog, byte cookies, byte reuse, byte connections, byte loss, bool flood, bool abortOnOverflow)
    {
        var yaml = string.Create(CultureInfo.InvariantCulture, $$"""
            name: connections
            seed: {{seed.Get}}
            duration: 6s
            defaults: { profile: linux, listen_backlog: {{1 + (backlog % 16)}}, syn_cookies: {{cookies % 3}}, tw_reuse: {{reuse % 3}}, abort_on_overflow: {{(abortOnOverflow ? "true" : "false")}} }
            hosts: [clients, attacker, server]
            routers: [r]
            links:
              - { between: [clients, r], rate: 100Mbps, delay: 1ms }
              - { between: [attacker, r], rate: 100Mbps, delay: 1ms }
              - { between: [r, server], rate: 20Mbps, delay: 10ms, queue: { type: droptail, packets: 50 }, loss: {{Losses[loss % Losses.Length]}} }
            flows:
              - { name: parallel, from: clients, to: server, app: { type: request_response, request: 300B, response: 8KB, requests: 2, connections: {{1 + (connections % 40)}} } }
              - { name: per-request, from: clients, to: server, start: 0.5s, app: { type: request_response, request: 1KB, response: 20KB, think: 20ms, connection: per_request } }
              - { name: bulk, from: clients, to: server, app: { type: bulk, bytes: 200KB } }
            {{(flood ? "  - { name: flood, from: attacker, to: server, start: 1s, stop: 3s, app: { type: syn_flood, target: per-request, syns_per_second: 3000 } }" : "")}}
            trace: []
            """);

        var result = ScenarioRunner.Run(ScenarioParser.Parse(yaml, "connections.yaml"), _temporary.Combine($"run-{Guid.NewGuid():N}"));

        var failures = result.Flows.Where(f => f.DeliveryCheck != "ok").Select(f => $"{f.Flow}: {f.DeliveryCheck}").ToList();
        return Prop.Label(failures.Count == 0, $"{string.Join("; ", failures)}\n{yaml}");
    }

    /// <summary>
    /// What the property found first: Accurate ECN with SACK over a 1,400-byte path MTU. A segment
    /// sized while a D-SACK block stood in the options went after the block had gone, and the
    /// AccECN option, no longer short of room, took its place and more: 1,504 bytes for a 1,500-byte
    /// link, which stopped the run. Such a segment is now refused as too big (EMSGSIZE) and
    /// retransmitted.
    /// </summary>
    [Fact]
    public void AccurateEcnWithSackBlocksOverASmallerPathMtuRunsToItsEnd()
    {
        var result = ScenarioRunner.Run(ScenarioParser.Parse("""
            name: accecn-sack-pmtu
            seed: 1
            duration: 4s
            defaults: { profile: linux, congestion: bbr, ecn: 3 }
            dumbbell:
              pairs: 1
              bottleneck: { rate: 2Mbps, delay: 1ms, queue: { type: droptail, packets: 20 }, mtu: 1400 }
              access: { rate: 100Mbps, delay: 1ms }
              flow: { app: { type: request_response, request: 2KB, response: 60KB, think: 100ms } }
            """, "accecn-sack-pmtu.yaml"), _temporary.Combine("accecn-sack-pmtu"));

        var flow = Assert.Single(result.Flows);
        Assert.Equal("ok", flow.DeliveryCheck);
        // Its requests (2 KB each) kept coming: ten at least in the 4 s, each answered by 60 KB at 2 Mbit/s.
        Assert.True(flow.BytesDelivered >= 20_000, $"{flow.BytesDelivered} bytes of requests delivered");
    }
}
