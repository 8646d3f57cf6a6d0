using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// What the reliability properties send over: two hosts, 10 Mbit/s and 20 ms each way, each
/// direction with its own drop-tail queue, Bernoulli loss and impairments (reordering by up to
/// 15 ms, duplication, jitter, bit errors), and one bulk transfer of a given size from client to
/// server, with a reply from the server during it if asked for.
/// </summary>
internal sealed class HostilePath
{
    /// <param name="reply">Bytes the server sends back while the upload runs (0: none); the client then reads them before it closes.</param>
    public HostilePath(ulong seed, TcpSettings settings, long bytes, int queuePackets, double loss, double duplicate, double reorder, SimTime jitter, double corrupt, long reply = 0)
    {
        Simulation = new Simulation(seed);
        var network = new Network(Simulation);
        var client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        var server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var impairments = new Impairments(reorder, SimTime.FromMilliseconds(15), duplicate, jitter, CorruptFraction: corrupt);
        LinkChannel Direction(string name) => new(Simulation, network.Pool, name, 10_000_000, SimTime.FromMilliseconds(20), 1500,
            new DropTailQueue(queuePackets), loss > 0 ? new BernoulliLoss(loss, Simulation.Random.Get($"loss/{name}")) : NoLoss.Instance,
            impairments, Simulation.Random.Get($"impair/{name}"));
        network.Connect(client, server, Direction("c->s"), Direction("s->c"));
        Sink = new SinkApplication(new TcpStack(Simulation, server, settings), 80, settings);
        Sink.Install();
        var clientStack = new TcpStack(Simulation, client, settings);
        Sender = reply > 0
            ? new ExchangeClient(clientStack, server.Address, 80, settings, bytes, reply)
            : new BulkSendApplication(clientStack, server.Address, 80, settings, "f") { MaxBytes = bytes };
        Sender.Install();
        Bytes = bytes;
        Reply = reply;
    }

    public Simulation Simulation { get; }

    public SinkApplication Sink { get; }

    public FlowSource Sender { get; }

    public long Bytes { get; }

    public long Reply { get; }

    /// <summary>Every byte arrived once and in order (the reply too), with no integrity error, and both ends finished their close (CLOSED, or TIME-WAIT on the side that closed first).</summary>
    public bool CompletedCleanly
    {
        get
        {
            var receiver = Sink.Accepted.SingleOrDefault();
            return Sink.BytesReceived == Bytes
                && Sink.OrderViolations == 0
                && (Sender is not ExchangeClient exchange || exchange.BytesRead == Reply)
                && Sender.Connection!.Statistics.IntegrityErrors == 0
                && receiver is { Statistics.IntegrityErrors: 0, State: TcpState.Closed }
                && Sender.Connection!.State is TcpState.Closed or TcpState.TimeWait;
        }
    }

    public string Outcome => $"received {Sink.BytesReceived}, order violations {Sink.OrderViolations}, sender {Sender.Connection?.State}, receiver {Sink.Accepted.SingleOrDefault()?.State}";
}
