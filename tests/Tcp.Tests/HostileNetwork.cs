using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Two hosts, 10 Mbit/s and 20 ms each way, each direction with its own drop-tail queue,
/// Bernoulli loss and impairments (reordering by up to 15 ms, duplication, jitter, bit errors),
/// and a TCP stack on each.
/// </summary>
internal sealed class HostileNetwork
{
    public HostileNetwork(ulong seed, TcpSettings settings, int queuePackets, double loss, double duplicate, double reorder, SimTime jitter, double corrupt)
    {
        Simulation = new Simulation(seed);
        var network = new Network(Simulation);
        var client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        Server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var impairments = new Impairments(reorder, SimTime.FromMilliseconds(15), duplicate, jitter, CorruptFraction: corrupt);
        LinkChannel Direction(string name) => new(Simulation, network.Pool, name, 10_000_000, SimTime.FromMilliseconds(20), 1500,
            new DropTailQueue(queuePackets), loss > 0 ? new BernoulliLoss(loss, Simulation.Random.Get($"loss/{name}")) : NoLoss.Instance,
            impairments, Simulation.Random.Get($"impair/{name}"));
        network.Connect(client, Server, Direction("c->s"), Direction("s->c"));
        ServerStack = new TcpStack(Simulation, Server, settings);
        ClientStack = new TcpStack(Simulation, client, settings);
    }

    public Simulation Simulation { get; }

    public Host Server { get; }

    public TcpStack ServerStack { get; }

    public TcpStack ClientStack { get; }
}
