using NetSim.Reports;
using NetSim.Scenarios.Model;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Icmp;
using NetSim.Sim.Network.Routing;
using NetSim.SockOps;
using NetSim.Tcp;
using NetSim.Tcp.Apps;
using NetSim.Tcp.FastOpen;

namespace NetSim.Scenarios;

/// <summary>
/// Builds the network of a scenario: hosts numbered 10.0.0.1, 10.0.0.2, ... and routers
/// 10.255.0.1, ... in the order listed; each link direction with its queue, loss model and
/// impairments, each drawing from its own named random stream; shortest-path routes; a TCP stack
/// per host with the host's sock_ops programs (its "cgroup"); and each flow's sender and sink
/// (ports from 5001).
/// </summary>
public static class ScenarioBuilder
{
    public const int FirstPort = 5001;

    public static BuiltScenario Build(Scenario scenario, RunRecorder recorder)
    {
        var simulation = new Simulation(scenario.Seed);
        var network = new Network(simulation);
        var built = new BuiltScenario(scenario, simulation, network);

        for (var i = 0; i < scenario.Hosts.Count; i++)
        {
            network.AddHost(scenario.Hosts[i], new Ipv4Address(0x0A000001u + (uint)i));
        }

        for (var i = 0; i < scenario.Routers.Count; i++)
        {
            network.AddRouter(scenario.Routers[i], new Ipv4Address(0x0AFF0001u + (uint)i));
        }

        (Ipv4Address, Ipv4Address, ushort) FlowEndpoints(string flowName)
        {
            var index = scenario.Flows.Select(f => f.Name).ToList().IndexOf(flowName);
            var flow = scenario.Flows[index];
            return (network.Find(flow.From)!.Address, network.Find(flow.To)!.Address, (ushort)(FirstPort + index));
        }

        foreach (var link in scenario.Links)
        {
            var forward = Channel(simulation, network, link.Forward, link.A, link.B, FlowEndpoints);
            var reverse = Channel(simulation, network, link.Reverse, link.B, link.A, FlowEndpoints);
            recorder.Attach(forward);
            recorder.Attach(reverse);
            built.Links.Add((link, network.Connect(network.Find(link.A)!, network.Find(link.B)!, forward, reverse)));
        }

        network.EnsureRoutes();
        foreach (var flow in scenario.Flows)
        {
            CheckPathMtu(network, flow);
        }

        // Each host's programs in attach order (ToLookup keeps the order of its source).
        var programsByHost = scenario.SockOps
            .SelectMany(a => a.Hosts.Select(host => (Host: host, Attachment: a)))
            .ToLookup(p => p.Host, p => p.Attachment, StringComparer.Ordinal);
        foreach (var name in scenario.Hosts)
        {
            var stack = new TcpStack(simulation, (Host)network.Find(name)!, scenario.Defaults);
            recorder.Attach(stack);
            var dispatcher = new SockOpsDispatcher(scenario.Kernel, $"host:{name}", built.Maps);
            foreach (var attachment in programsByHost[name])
            {
                dispatcher.Attach(attachment.Program, attachment.Ports, attachment.StopOnError);
            }

            if (dispatcher.Programs.Count > 0)
            {
                recorder.Attach(dispatcher);
                stack.SockOps = dispatcher;
                built.Dispatchers.Add(dispatcher);
            }

            built.Stacks[name] = stack;
        }

        for (var i = 0; i < scenario.Flows.Count; i++)
        {
            var flow = scenario.Flows[i];
            var port = (ushort)(FirstPort + i);
            var (sender, receiver) = Applications(built, flow, port, network.Find(flow.To)!.Address);
            receiver.Install();
            sender.Install();
            built.Flows.Add(new FlowInstance(flow, sender, receiver));
        }

        return built;
    }

    /// <summary>A flow's source and receiver; random periods come from the stream <c>app/FLOW</c>.</summary>
    private static (IFlowSender, IFlowReceiver) Applications(BuiltScenario built, FlowSpec flow, ushort port, Ipv4Address destination)
    {
        var from = built.Stacks[flow.From];
        var to = built.Stacks[flow.To];
        var random = built.Simulation.Random.Get($"app/{flow.Name}");
        return flow.App switch
        {
            BulkApplicationSpec bulk => (
                new BulkSendApplication(from, destination, port, flow.Tcp, flow.Name) { Start = flow.Start, Stop = flow.Stop, MaxBytes = bulk.Bytes },
                new SinkApplication(to, port, flow.Tcp, flow.Name)),
            OnOffApplicationSpec onOff => (
                new OnOffApplication(from, destination, port, flow.Tcp, flow.Name, onOff.On, onOff.Off, random)
                {
                    Start = flow.Start, Stop = flow.Stop, MaxBytes = onOff.Bytes, RateBitsPerSecond = onOff.RateBitsPerSecond,
                },
                new SinkApplication(to, port, flow.Tcp, flow.Name)),
            SynFloodApplicationSpec flood => (
                new SynFloodApplication(from.Host, destination, TargetPort(built, flood), flow.Name, flood.SynsPerSecond, random) { Start = flow.Start, Stop = flow.Stop },
                new NoReceiver()),
            RequestResponseApplicationSpec exchange => (
                RequestClients(flow, exchange, from, destination, port, random),
                new RequestResponseServer(to, port, FastOpenTcp(flow.Tcp, exchange), exchange.RequestBytes, exchange.ResponseBytes, flow.Name)
                {
                    FastOpen = exchange.FastOpen, ClosesAfterResponse = exchange.ServerCloses,
                }),
            _ => throw new InvalidOperationException($"no applications for {flow.App}"),
        };
    }

    /// <summary>
    /// A request/response flow's client, or with <c>connections: N</c> N of them side by side,
    /// each making <c>requests</c> exchanges of its own; their think times come from the flow's one stream.
    /// </summary>
    private static IRequestClient RequestClients(FlowSpec flow, RequestResponseApplicationSpec exchange, TcpStack from, Ipv4Address destination, ushort port, System.Random random)
    {
        RequestResponseClient Client() =>
            new(from, destination, port, FastOpenTcp(flow.Tcp, exchange), flow.Name, exchange.RequestBytes, exchange.ResponseBytes, exchange.Think, random)
            {
                Start = flow.Start, Stop = flow.Stop, Requests = exchange.Requests, FastOpen = exchange.FastOpen,
                ConnectionPerRequest = exchange.ConnectionPerRequest, ServerCloses = exchange.ServerCloses,
            };

        return exchange.Connections == 1 ? Client() : new ParallelRequestClients([.. Enumerable.Range(0, exchange.Connections).Select(_ => Client())]);
    }

    /// <summary>The port of the flow a SYN flood aims at: flows listen on consecutive ports from <see cref="FirstPort"/>.</summary>
    private static ushort TargetPort(BuiltScenario built, SynFloodApplicationSpec flood) =>
        (ushort)(FirstPort + built.Scenario.Flows.Select(f => f.Name).ToList().IndexOf(flood.Target));

    /// <summary>An exchange with <c>fast_open</c> turns on both sides of net.ipv4.tcp_fastopen for its flow.</summary>
    private static TcpSettings FastOpenTcp(TcpSettings tcp, RequestResponseApplicationSpec exchange) =>
        exchange.FastOpen ? tcp with { FastOpen = tcp.FastOpen | FastOpenMode.ClientEnable | FastOpenMode.ServerEnable } : tcp;

    /// <summary>
    /// TCP sends segments of at most the configured MSS and both ends' first-hop MTUs less 40 bytes
    /// (each end announces the MSS of its own first hop); a smaller MTU further along the path is
    /// found by path MTU discovery (RFC 1191), but only down to ip_rt_min_pmtu: below it
    /// Linux sends without DF for routers to fragment, which the simulator does not model. Such a
    /// path is a configuration error, reported before the run starts.
    /// </summary>
    private static void CheckPathMtu(Network network, FlowSpec flow)
    {
        var from = (Host)network.Find(flow.From)!;
        var to = (Host)network.Find(flow.To)!;
        CheckPathMtu(flow, from, to);

        // A request-response server sends data back along the reverse path.
        if (flow.App is RequestResponseApplicationSpec)
        {
            CheckPathMtu(flow, to, from);
        }
    }

    private static void CheckPathMtu(FlowSpec flow, Host from, Host to)
    {
        // The MSS: the sender's, its first hop's, and what the receiver announces for its own first hop.
        const int headers = Packet.Ipv4HeaderBytes + Packet.TcpHeaderBytes;
        var packetBytes = Math.Min(flow.Tcp.Mss, Math.Min(from.MtuTowards(to.Address), to.MtuTowards(from.Address)) - headers) + headers;
        var path = ShortestPathRouting.Path(from, to)!;
        for (var hop = 0; hop < path.Count - 1; hop++)
        {
            var channel = path[hop].Routes.Lookup(to.Address)!.Transmitter;
            if (channel.Mtu < Math.Min(packetBytes, PathMtuCache.MinPathMtu))
            {
                throw flow.Location.Error(
                    $"flow '{flow.Name}' sends {packetBytes}-byte packets from {from.Name}, but link {channel.Name} on its path has an MTU of {channel.Mtu}, "
                    + $"below the {PathMtuCache.MinPathMtu} bytes path MTU discovery goes down to (the simulator does not fragment); "
                    + $"set tcp.mss to at most {channel.Mtu - Packet.Ipv4HeaderBytes - Packet.TcpHeaderBytes}");
            }
        }
    }

    private static LinkChannel Channel(Simulation simulation, Network network, ChannelSpec spec, string from, string to,
        Func<string, (Ipv4Address, Ipv4Address, ushort)> flowEndpoints)
    {
        var name = $"{from}->{to}";
        var streams = simulation.Random;
        var typicalTransmission = SimTime.FromNanoseconds(((long)spec.Mtu * 8 * 1_000_000_000L) / spec.RateBitsPerSecond);
        return new LinkChannel(simulation, network.Pool, name, spec.RateBitsPerSecond, spec.Delay, spec.Mtu,
            spec.Queue.Create(spec.Mtu, typicalTransmission, streams.Get($"queue/{name}")),
            spec.Loss.Create(streams.Get($"loss/{name}"), flowEndpoints),
            spec.Impairments,
            spec.Impairments.Any ? streams.Get($"impair/{name}") : null,
            spec.FramingBytes)
        {
            PmtudBlackHole = spec.PmtudBlackHole,
        };
    }
}
