using BenchmarkDotNet.Attributes;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Benchmarks;

/// <summary>Packets from a host through two routers to a host: three links, each a queue, a transmitter and a propagation FIFO.</summary>
[MemoryDiagnoser]
public class ForwardingBenchmarks
{
    private const int PacketsPerInvoke = 10_000;

    private Simulation _simulation = null!;
    private Host _source = null!;
    private Host _destination = null!;

    [GlobalSetup]
    public void Setup()
    {
        _simulation = new Simulation(1);
        var network = new Network(_simulation);
        _source = network.AddHost("h1", Ipv4Address.Parse("10.0.0.1"));
        _destination = network.AddHost("h2", Ipv4Address.Parse("10.0.0.2"));
        var r1 = network.AddRouter("r1", Ipv4Address.Parse("10.255.0.1"));
        var r2 = network.AddRouter("r2", Ipv4Address.Parse("10.255.0.2"));
        void Link(Node a, Node b) => network.Connect(a, b,
            new LinkChannel(_simulation, network.Pool, $"{a.Name}->{b.Name}", 10_000_000_000, SimTime.FromMicroseconds(10), 1500, new DropTailQueue(PacketsPerInvoke), NoLoss.Instance),
            new LinkChannel(_simulation, network.Pool, $"{b.Name}->{a.Name}", 10_000_000_000, SimTime.FromMicroseconds(10), 1500, new DropTailQueue(PacketsPerInvoke), NoLoss.Instance));
        Link(_source, r1);
        Link(r1, r2);
        Link(r2, _destination);
        _destination.Transport = new Discard(network.Pool);
        ForwardBatch();
    }

    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public void ForwardBatch()
    {
        for (var i = 0; i < PacketsPerInvoke; i++)
        {
            var packet = _source.Pool.Rent();
            packet.Source = _source.Address;
            packet.Destination = _destination.Address;
            packet.PayloadLength = 1460;
            _source.Send(packet);
        }

        _simulation.Run(SimTime.Never);
    }

    private sealed class Discard(PacketPool pool) : IPacketHandler
    {
        public void HandlePacket(Packet packet) => pool.Return(packet);

        public void HandleIcmp(Packet packet) => pool.Return(packet);
    }
}
