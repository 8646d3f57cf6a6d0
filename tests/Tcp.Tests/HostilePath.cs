using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// What the reliability properties send over: a <see cref="HostileNetwork"/> and one bulk transfer
/// of a given size from client to server, with a reply from the server during it if asked for.
/// </summary>
internal sealed class HostilePath
{
    /// <param name="reply">Bytes the server sends back while the upload runs (0: none); the client then reads them before it closes.</param>
    public HostilePath(ulong seed, TcpSettings settings, long bytes, int queuePackets, double loss, double duplicate, double reorder, SimTime jitter, double corrupt, long reply = 0)
    {
        var network = new HostileNetwork(seed, settings, queuePackets, loss, duplicate, reorder, jitter, corrupt);
        Simulation = network.Simulation;
        Sink = new SinkApplication(network.ServerStack, 80, settings);
        Sink.Install();
        Sender = reply > 0
            ? new ExchangeClient(network.ClientStack, network.Server.Address, 80, settings, bytes, reply)
            : new BulkSendApplication(network.ClientStack, network.Server.Address, 80, settings, "f") { MaxBytes = bytes };
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
