using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// One bulk flow from a client behind a fast first hop (1 Gbit/s, 1 ms) through a router to a
/// 10 Mbit/s, 19 ms bottleneck: a 40 ms RTT and a BDP of 33 full-sized packets.
/// </summary>
internal sealed class BottleneckPath
{
    public const double BottleneckPacketsPerSecond = 10e6 / 8 / 1500;

    public BottleneckPath(string congestion, int bufferPackets = 1000, Func<TcpSettings, TcpSettings>? tune = null, PacketQueue? bottleneckQueue = null)
    {
        Simulation = new Simulation(1);
        var network = new Network(Simulation);
        var client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        var router = network.AddRouter("router", Ipv4Address.Parse("10.0.0.254"));
        var server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        Access = Channel(network, "access", 1_000_000_000, 1, new DropTailQueue(1000));
        network.Connect(client, router, Access, Channel(network, "access-back", 1_000_000_000, 1, new DropTailQueue(1000)));
        Bottleneck = Channel(network, "bottleneck", 10_000_000, 19, bottleneckQueue ?? new DropTailQueue(bufferPackets));
        network.Connect(router, server, Bottleneck, Channel(network, "bottleneck-back", 10_000_000, 19, new DropTailQueue(bufferPackets)));
        network.EnsureRoutes();
        var settings = TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20 };
        Settings = tune?.Invoke(settings) ?? settings;
        Sink = new SinkApplication(new TcpStack(Simulation, server, Settings), 5001, Settings);
        Sink.Install();
        Sender = new BulkSendApplication(new TcpStack(Simulation, client, Settings), server.Address, 5001, Settings, "bulk");
        Sender.Install();
    }

    public Simulation Simulation { get; }
    public LinkChannel Access { get; }
    public LinkChannel Bottleneck { get; }
    public TcpSettings Settings { get; }
    public SinkApplication Sink { get; }
    public BulkSendApplication Sender { get; }

    private LinkChannel Channel(Network network, string name, long rate, long delayMs, PacketQueue queue) =>
        new(Simulation, network.Pool, name, rate, SimTime.FromMilliseconds(delayMs), 1500, queue, NoLoss.Instance);
}
