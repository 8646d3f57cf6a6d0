using NetSim.Scenarios.Model;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.SockOps;
using NetSim.Tcp;
using NetSim.Tcp.Apps;

namespace NetSim.Scenarios;

/// <summary>A scenario turned into live objects, ready to run.</summary>
public sealed class BuiltScenario
{
    internal BuiltScenario(Scenario scenario, Simulation simulation, Network network)
    {
        Scenario = scenario;
        Simulation = simulation;
        Network = network;
    }

    public Scenario Scenario { get; }
    public Simulation Simulation { get; }
    public Network Network { get; }
    public Dictionary<string, TcpStack> Stacks { get; } = new(StringComparer.Ordinal);
    public List<SockOpsDispatcher> Dispatchers { get; } = [];
    public List<(LinkSpec Spec, PointToPointLink Link)> Links { get; } = [];
    public List<FlowInstance> Flows { get; } = [];

    /// <summary>The BPF maps the run's sock_ops programs share.</summary>
    public SockOps.Maps.BpfMaps Maps { get; } = new();
}

/// <summary>A flow's two applications.</summary>
public sealed record FlowInstance(FlowSpec Spec, IFlowSender Sender, IFlowReceiver Receiver);
