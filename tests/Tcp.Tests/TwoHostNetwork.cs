using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Apps;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Tcp.Tests;

/// <summary>A client and a server joined by one point-to-point link, for end-to-end TCP tests.</summary>
internal sealed class TwoHostNetwork
{
    public TwoHostNetwork(
        long rateBps = 10_000_000,
        long delayMs = 20,
        double forwardLoss = 0,
        int queuePackets = 100,
        TcpSettings? settings = null,
        ulong seed = 1,
        ILossModel? forwardLossModel = null,
        int mtu = 1500,
        TcpSettings? serverSettings = null,
        PacketQueue? forwardQueue = null,
        SimTime? delay = null)
    {
        Simulation = new Simulation(seed);
        Network = new Network(Simulation);
        Client = Network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        Server = Network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var loss = forwardLossModel ?? (forwardLoss > 0 ? new BernoulliLoss(forwardLoss, Simulation.Random.Get("loss")) : NoLoss.Instance);
        Forward = new LinkChannel(Simulation, Network.Pool, "fwd", rateBps, delay ?? SimTime.FromMilliseconds(delayMs), mtu, forwardQueue ?? new DropTailQueue(queuePackets), loss);
        Reverse = new LinkChannel(Simulation, Network.Pool, "rev", rateBps, delay ?? SimTime.FromMilliseconds(delayMs), mtu, new DropTailQueue(queuePackets), NoLoss.Instance);
        Network.Connect(Client, Server, Forward, Reverse);
        Settings = settings ?? TcpSettings.Linux;
        ClientStack = new TcpStack(Simulation, Client, Settings);
        ServerStack = new TcpStack(Simulation, Server, serverSettings ?? Settings);
    }

    public Simulation Simulation { get; }
    public Network Network { get; }
    public Host Client { get; }
    public Host Server { get; }
    public LinkChannel Forward { get; }
    public LinkChannel Reverse { get; }
    public TcpSettings Settings { get; }
    public TcpStack ClientStack { get; }
    public TcpStack ServerStack { get; }

    /// <summary>A bulk sender on the client and a sink on the server, port 5001, both with the network's settings; <paramref name="maxBytes"/> null sends for ever.</summary>
    public (SinkApplication Sink, BulkSendApplication Sender) StartBulk(long? maxBytes = null)
    {
        var sink = new SinkApplication(ServerStack, 5001, Settings);
        sink.Install();
        var sender = new BulkSendApplication(ClientStack, Server.Address, 5001, Settings, "bulk") { MaxBytes = maxBytes };
        sender.Install();
        return (sink, sender);
    }
}
