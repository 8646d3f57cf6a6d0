using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp;

namespace NetSim.SockOps.Tests;

/// <summary>Two hosts on a fast, short link (1 Gbit/s, 10 us), with one dispatcher per host, like two cgroups.</summary>
internal sealed class Loopback
{
    public Loopback(KernelModel? kernel = null, ILossModel? forwardLoss = null, long delayUs = 10, TcpSettings? settings = null)
    {
        Kernel = kernel ?? KernelModel.Default;
        Simulation = new Simulation(1);
        var network = new Network(Simulation);
        Client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        Server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var delay = SimTime.FromMicroseconds(delayUs);
        ClientToServer = new LinkChannel(Simulation, network.Pool, "c->s", 1_000_000_000, delay, 1500, new DropTailQueue(1000), forwardLoss ?? NoLoss.Instance);
        ServerToClient = new LinkChannel(Simulation, network.Pool, "s->c", 1_000_000_000, delay, 1500, new DropTailQueue(1000), NoLoss.Instance);
        network.Connect(Client, Server, ClientToServer, ServerToClient);
        Settings = (settings ?? TcpSettings.Linux) with { Hz = Kernel.Hz };
        ClientStack = new TcpStack(Simulation, Client, Settings);
        ServerStack = new TcpStack(Simulation, Server, Settings);
        ClientPrograms = new SockOpsDispatcher(Kernel, "host:client");
        ServerPrograms = new SockOpsDispatcher(Kernel, "host:server");
        ClientStack.SockOps = ClientPrograms;
        ServerStack.SockOps = ServerPrograms;
    }

    public KernelModel Kernel { get; }
    public Simulation Simulation { get; }
    public Host Client { get; }
    public Host Server { get; }
    public LinkChannel ClientToServer { get; }
    public LinkChannel ServerToClient { get; }
    public TcpSettings Settings { get; }
    public TcpStack ClientStack { get; }
    public TcpStack ServerStack { get; }
    public SockOpsDispatcher ClientPrograms { get; }
    public SockOpsDispatcher ServerPrograms { get; }

    /// <summary>Runs <paramref name="action"/> a millisecond from now: the next line of a single-threaded test program.</summary>
    public void Then(Action action) => Simulation.Schedule(Simulation.Now + SimTime.FromMilliseconds(1), action);
}
