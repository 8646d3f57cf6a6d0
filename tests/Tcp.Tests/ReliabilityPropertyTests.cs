using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Reliability as a property: whatever a path does to segments (loss, duplication, reordering,
/// jitter, bit errors that fail the checksum, in both directions) and whichever options are in use, every byte arrives exactly once
/// and in order, and both ends finish their close (CLOSED, or TIME-WAIT on the side that closed first).
/// </summary>
public class ReliabilityPropertyTests
{
    [Property(MaxTest = 200)]
    public Property EveryByteArrivesOnceAndInOrderAndBothSidesClose(
        PositiveInt seed, byte lossPermille, byte duplicatePercent, byte reorderPercent, byte jitterMs,
        byte corruptPermille, bool sack, bool timestamps, bool windowScaling, PositiveInt kilobytes)
    {
        var loss = lossPermille % 80 / 1000.0;
        var duplicate = duplicatePercent % 5 / 100.0;
        var reorder = reorderPercent % 10 / 100.0;
        var jitter = SimTime.FromMilliseconds(jitterMs % 10);
        var corrupt = corruptPermille % 30 / 1000.0;
        var bytes = 1 + (kilobytes.Get % 300 * 1000L);
        var settings = TcpSettings.Linux with { Sack = sack, Timestamps = timestamps, WindowScaling = windowScaling, ReceiveBuffer = 256 * 1024 };

        var simulation = new Simulation((ulong)seed.Get);
        var network = new Network(simulation);
        var client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        var server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var impairments = new Impairments(reorder, SimTime.FromMilliseconds(15), duplicate, jitter, CorruptFraction: corrupt);
        LinkChannel Direction(string name) => new(simulation, network.Pool, name, 10_000_000, SimTime.FromMilliseconds(20), 1500,
            new DropTailQueue(200), loss > 0 ? new BernoulliLoss(loss, simulation.Random.Get($"loss/{name}")) : NoLoss.Instance,
            impairments, simulation.Random.Get($"impair/{name}"));
        network.Connect(client, server, Direction("c->s"), Direction("s->c"));
        var sink = new SinkApplication(new TcpStack(simulation, server, settings), 80, settings);
        sink.Install();
        var sender = new BulkSendApplication(new TcpStack(simulation, client, settings), server.Address, 80, settings, "f") { MaxBytes = bytes };
        sender.Install();

        simulation.Run(SimTime.FromSeconds(600));

        var receiver = sink.Accepted.SingleOrDefault();
        var label = $"loss {loss}, duplicate {duplicate}, reorder {reorder}, jitter {jitter}, corrupt {corrupt}, sack {sack}, ts {timestamps}, ws {windowScaling}, {bytes} B: "
            + $"received {sink.BytesReceived}, order violations {sink.OrderViolations}, sender {sender.Connection?.State}, receiver {receiver?.State}";
        return Prop.Label(sink.BytesReceived == bytes
                && sink.OrderViolations == 0
                && receiver is { Statistics.IntegrityErrors: 0 }
                && sender.Connection!.State is TcpState.Closed or TcpState.TimeWait
                && receiver.State == TcpState.Closed, label);
    }
}
