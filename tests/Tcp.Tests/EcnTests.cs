using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>ECN as RFC 3168 specifies and Linux implements it (tcp_ecn_* in tcp_input.c and tcp_output.c).</summary>
public class EcnTests
{
    private sealed record Seen(SimTime Time, bool Forward, TcpFlags Flags, EcnCodepoint Ecn, int Payload);

    private static (TwoHostNetwork Net, List<Seen> Packets, SinkApplication Sink, BulkSendApplication Sender) Transfer(
        TcpSettings client, TcpSettings server, PacketQueue? forwardQueue = null, long bytes = 200_000, double seconds = 5)
    {
        var net = new TwoHostNetwork(rateBps: 100_000_000, settings: client, serverSettings: server, forwardQueue: forwardQueue);
        var packets = new List<Seen>();
        net.Forward.TransmissionStarted = (_, p) => packets.Add(new Seen(net.Simulation.Now, true, p.Flags, p.Ecn, p.PayloadLength));
        net.Reverse.TransmissionStarted = (_, p) => packets.Add(new Seen(net.Simulation.Now, false, p.Flags, p.Ecn, p.PayloadLength));
        var sink = new SinkApplication(net.ServerStack, 5001, server);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, client, "bulk") { MaxBytes = bytes };
        sender.Install();
        net.Simulation.Run(SimTime.FromSeconds(seconds));
        Assert.Equal(bytes, sink.BytesReceived);
        return (net, packets, sink, sender);
    }

    [Fact]
    public void AClientWithEcn1NegotiatesWithALinuxDefaultServerAndSendsNewDataEct0()
    {
        var (_, packets, sink, sender) = Transfer(TcpSettings.Linux with { Ecn = 1 }, TcpSettings.Linux);

        // RFC 3168 §6.1.1: an ECN-setup SYN has ECE and CWR, the SYN-ACK ECE alone; neither is ECT.
        var syn = packets.First(p => p.Forward && (p.Flags & TcpFlags.Syn) != 0);
        Assert.Equal(TcpFlags.Ece | TcpFlags.Cwr, syn.Flags & (TcpFlags.Ece | TcpFlags.Cwr));
        Assert.Equal(EcnCodepoint.NotEct, syn.Ecn);
        var synAck = packets.First(p => !p.Forward && (p.Flags & TcpFlags.Syn) != 0);
        Assert.Equal(TcpFlags.Ece, synAck.Flags & (TcpFlags.Ece | TcpFlags.Cwr));
        Assert.Equal(EcnFlags.Ok, sender.Connection!.EcnFlags & EcnFlags.Ok);
        Assert.Equal(EcnFlags.Ok | EcnFlags.Seen, sink.Accepted.Single().EcnFlags);

        // §6.1.4 and §6.1.5: data is ECT(0), pure ACKs are not ECT.
        Assert.All(packets.Where(p => p.Forward && p.Payload > 0), p => Assert.Equal(EcnCodepoint.Ect0, p.Ecn));
        Assert.All(packets.Where(p => !p.Forward && p.Payload == 0), p => Assert.Equal(EcnCodepoint.NotEct, p.Ecn));
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void WithoutARequestOrAnAcceptanceNothingIsEct(int clientEcn, int serverEcn)
    {
        var (_, packets, sink, sender) = Transfer(TcpSettings.Linux with { Ecn = clientEcn }, TcpSettings.Linux with { Ecn = serverEcn });

        Assert.Equal(EcnFlags.None, sender.Connection!.EcnFlags & EcnFlags.Ok);
        Assert.Equal(EcnFlags.None, sink.Accepted.Single().EcnFlags);
        Assert.All(packets, p => Assert.Equal(EcnCodepoint.NotEct, p.Ecn));
        Assert.All(packets.Where(p => (p.Flags & TcpFlags.Syn) == 0), p => Assert.Equal(TcpFlags.None, p.Flags & (TcpFlags.Ece | TcpFlags.Cwr)));
    }

    [Fact]
    public void ACeMarkIsEchoedUntilCwrAndTheSenderReducesOnceWithoutRetransmitting()
    {
        // Step marking above 5 packets: slow start overruns it and the queue marks instead of dropping.
        var settings = TcpSettings.Linux with { Ecn = 1, Congestion = "reno", ReceiveBuffer = 1 << 20 };
        var (net, packets, sink, sender) = Transfer(settings, settings, new ThresholdMarkingQueue(5, 1000), bytes: 2_000_000);
        var connection = sender.Connection!;

        Assert.True(net.Forward.Statistics.EcnMarks > 0);
        Assert.Equal(0, net.Forward.Statistics.QueueDrops);
        Assert.Equal(0, connection.Statistics.TotalRetransmissions);
        Assert.True(connection.Statistics.EcnReductions > 0);
        Assert.Equal(net.Forward.Statistics.EcnMarks, sink.Accepted.Single().Statistics.CeReceived);

        // RFC 3168 §6.1.3: after the first ECE the next new data segment carries CWR, and the
        // receiver stops echoing with the ACK of that segment.
        var firstEce = packets.FindIndex(p => !p.Forward && (p.Flags & TcpFlags.Ece) != 0);
        var cwr = packets.FindIndex(firstEce, p => p.Forward && (p.Flags & TcpFlags.Cwr) != 0);
        Assert.True(cwr > firstEce);
        Assert.True(packets[cwr].Payload > 0);
        Assert.DoesNotContain(packets.Skip(firstEce + 1).Take(cwr - firstEce - 1), p => p.Forward && p.Payload > 0 && (p.Flags & TcpFlags.Cwr) != 0);
        Assert.Equal(CaState.Open, connection.CaState);
    }
}
