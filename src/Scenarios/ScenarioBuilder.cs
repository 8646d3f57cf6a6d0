using NetSim.Reports;
using NetSim.Scenarios.Model;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.SockOps;
using NetSim.Tcp;
using NetSim.Tcp.Apps;

namespace NetSim.Scenarios;

/// <summary>
/// Builds the network of a scenario: hosts numbered 10.0.0.1, 10.0.0.2, ... in the order
/// listed, links with their queues and seeded loss streams, a TCP stack per host with the
/// host's sock_ops programs (its "cgroup"), and each flow's sender and sink (ports from 5001).
/// </summary>
public static class ScenarioBuilder
{
    public const int FirstPort = 5001;

    public static BuiltScenario Build(Scenario scenario, RunRecorder recorder)
    {
        var simulation = new Simulation(scenario.Seed);
        var network = new Network(simulation);
        var built = new BuiltScenario(scenario, simulation, network);

        var hosts = new Dictionary<string, Host>(StringComparer.Ordinal);
        for (var i = 0; i < scenario.Hosts.Count; i++)
        {
            var name = scenario.Hosts[i];
            hosts[name] = network.AddHost(name, new Ipv4Address(0x0A000001u + (uint)i));
        }

        foreach (var link in scenario.Links)
        {
            var forward = Channel(simulation, network, link, link.A, link.B, link.ForwardLoss);
            var reverse = Channel(simulation, network, link, link.B, link.A, link.ReverseLoss);
            recorder.Attach(forward);
            recorder.Attach(reverse);
            network.Connect(hosts[link.A], hosts[link.B], forward, reverse);
        }

        foreach (var name in scenario.Hosts)
        {
            var stack = new TcpStack(simulation, hosts[name], scenario.Defaults);
            recorder.Attach(stack);
            var dispatcher = new SockOpsDispatcher(scenario.Kernel, $"host:{name}");
            foreach (var attachment in scenario.SockOps.Where(a => a.Hosts.Contains(name)))
            {
                dispatcher.Attach(attachment.Program);
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
            var sink = new SinkApplication(built.Stacks[flow.To], port, flow.Tcp, flow.Name);
            sink.Install();
            var sender = new BulkSendApplication(built.Stacks[flow.From], hosts[flow.To].Address, port, flow.Tcp, flow.Name)
            {
                Start = flow.Start,
                Stop = flow.Stop,
                MaxBytes = flow.Bytes,
            };
            sender.Install();
            built.Flows.Add(new FlowInstance(flow, sender, sink));
        }

        return built;
    }

    private static LinkChannel Channel(Simulation simulation, Network network, LinkSpec link, string from, string to, double loss)
    {
        var name = $"{from}->{to}";
        ILossModel lossModel = loss > 0 ? new BernoulliLoss(loss, simulation.Random.Get($"loss/{name}")) : NoLoss.Instance;
        return new LinkChannel(simulation, network.Pool, name, link.RateBitsPerSecond, link.Delay, link.Mtu,
            new DropTailQueue(link.QueuePackets), lossModel);
    }
}
