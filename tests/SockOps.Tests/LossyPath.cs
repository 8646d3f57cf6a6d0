using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp;

namespace NetSim.SockOps.Tests;

/// <summary>
/// Two hosts, 10 Mbit/s and 15 ms each way, each direction with its own drop-tail queue,
/// Bernoulli loss and reordering by up to 10 ms, a TCP stack on each and a sock_ops dispatcher
/// on each (one cgroup per host).
/// </summary>
internal sealed class LossyPath
{
    public LossyPath(ulong seed, TcpSettings settings, int queuePackets, double loss, double reorder)
    {
        Simulation = new Simulation(seed);
        var network = new Network(Simulation);
        var client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        Server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var impairments = new Impairments(reorder, SimTime.FromMilliseconds(10), 0, SimTime.Zero);
        LinkChannel Direction(string name) => new(Simulation, network.Pool, name, 10_000_000, SimTime.FromMilliseconds(15), 1500,
            new DropTailQueue(queuePackets), loss > 0 ? new BernoulliLoss(loss, Simulation.Random.Get($"loss/{name}")) : NoLoss.Instance,
            impairments, Simulation.Random.Get($"impair/{name}"));
        network.Connect(client, Server, Direction("c->s"), Direction("s->c"));
        ClientPrograms = new SockOpsDispatcher(KernelModel.Default, "host:client");
        ServerPrograms = new SockOpsDispatcher(KernelModel.Default, "host:server");
        ClientStack = new TcpStack(Simulation, client, settings) { SockOps = ClientPrograms };
        ServerStack = new TcpStack(Simulation, Server, settings) { SockOps = ServerPrograms };
    }

    public Simulation Simulation { get; }

    public Host Server { get; }

    public TcpStack ClientStack { get; }

    public TcpStack ServerStack { get; }

    public SockOpsDispatcher ClientPrograms { get; }

    public SockOpsDispatcher ServerPrograms { get; }
}
