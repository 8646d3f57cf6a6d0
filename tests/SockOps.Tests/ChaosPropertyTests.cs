using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp;
using NetSim.Tcp.Apps;

namespace NetSim.SockOps.Tests;

/// <summary>
/// Whatever a sock_ops program does at whichever op (<see cref="ChaosProgram"/>), on both ends of
/// a transfer over a lossy, reordering path, TCP stays correct: the transfer completes, every
/// byte arrives once and in order, and both ends close.
/// </summary>
public class ChaosPropertyTests
{
    [Property(MaxTest = 200)]
    public Property ConnectionsSurviveAnyProgram(PositiveInt seed, byte programSeed, byte lossPermille, byte reorderPercent, byte queuePackets, byte size)
    {
        var simulation = new Simulation((ulong)seed.Get);
        var network = new Network(simulation);
        var client = network.AddHost("client", Ipv4Address.Parse("10.0.0.1"));
        var server = network.AddHost("server", Ipv4Address.Parse("10.0.0.2"));
        var loss = lossPermille % 30 / 1000.0;
        var impairments = new Impairments(reorderPercent % 5 / 100.0, SimTime.FromMilliseconds(10), 0, SimTime.Zero);
        LinkChannel Direction(string name) => new(simulation, network.Pool, name, 10_000_000, SimTime.FromMilliseconds(15), 1500,
            new DropTailQueue(5 + (queuePackets % 100)), loss > 0 ? new BernoulliLoss(loss, simulation.Random.Get($"loss/{name}")) : NoLoss.Instance,
            impairments, simulation.Random.Get($"impair/{name}"));
        network.Connect(client, server, Direction("c->s"), Direction("s->c"));

        var settings = TcpSettings.Linux;
        var clientStack = new TcpStack(simulation, client, settings) { SockOps = new SockOpsDispatcher(KernelModel.Default, "host:client") };
        var serverStack = new TcpStack(simulation, server, settings) { SockOps = new SockOpsDispatcher(KernelModel.Default, "host:server") };
        var clientProgram = new ChaosProgram(programSeed + 1UL);
        var serverProgram = new ChaosProgram(programSeed + 1_000UL);
        ((SockOpsDispatcher)clientStack.SockOps).Attach(clientProgram);
        ((SockOpsDispatcher)serverStack.SockOps).Attach(serverProgram);

        var bytes = 1 + (size * 1_000L);
        var sink = new SinkApplication(serverStack, 80, settings);
        sink.Install();
        var sender = new BulkSendApplication(clientStack, server.Address, 80, settings, "f") { MaxBytes = bytes };
        sender.Install();
        simulation.Run(SimTime.FromSeconds(3600));

        var receiver = sink.Accepted.SingleOrDefault();
        var label = $"program seed {programSeed}, loss {loss}, {bytes} B: received {sink.BytesReceived}, order violations {sink.OrderViolations}, "
            + $"sender {sender.Connection?.State} {sender.Connection?.Error}, receiver {receiver?.State}, program calls {clientProgram.Calls} and {serverProgram.Calls}";
        return Prop.Label(sink.BytesReceived == bytes
                && sink.OrderViolations == 0
                && receiver is { Statistics.IntegrityErrors: 0, State: TcpState.Closed }
                && sender.Connection!.State is TcpState.Closed or TcpState.TimeWait, label);
    }
}
