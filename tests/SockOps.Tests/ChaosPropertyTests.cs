using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Apps;

namespace NetSim.SockOps.Tests;

/// <summary>
/// Whatever a sock_ops program does at whichever op (<see cref="ChaosProgram"/>), on both ends of
/// a transfer over a lossy, reordering path (<see cref="LossyPath"/>), TCP stays correct: the transfer completes, every
/// byte arrives once and in order, and both ends close.
/// </summary>
public class ChaosPropertyTests
{
    [Property(MaxTest = 200)]
    public Property ConnectionsSurviveAnyProgram(PositiveInt seed, byte programSeed, byte lossPermille, byte reorderPercent, byte queuePackets, byte size)
    {
        var loss = lossPermille % 30 / 1000.0;
        var settings = TcpSettings.Linux;
        var path = new LossyPath((ulong)seed.Get, settings, 5 + (queuePackets % 100), loss, reorderPercent % 5 / 100.0);
        var simulation = path.Simulation;
        var clientProgram = new ChaosProgram(programSeed + 1UL);
        var serverProgram = new ChaosProgram(programSeed + 1_000UL);
        path.ClientPrograms.Attach(clientProgram);
        path.ServerPrograms.Attach(serverProgram);

        var bytes = 1 + (size * 1_000L);
        var sink = new SinkApplication(path.ServerStack, 80, settings);
        sink.Install();
        var sender = new BulkSendApplication(path.ClientStack, path.Server.Address, 80, settings, "f") { MaxBytes = bytes };
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
