using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>Accurate ECN (RFC 9768) as Linux implements it, end to end over a CE-marking queue.</summary>
public class AccEcnTests
{
    private const TcpFlags Ace = TcpFlags.Ae | TcpFlags.Cwr | TcpFlags.Ece;

    private sealed record Seen(bool Forward, TcpFlags Flags, EcnCodepoint Ecn, int Payload, bool HasOption);

    private static (TwoHostNetwork Net, List<Seen> Packets, TcpConnection Sender, TcpConnection Receiver) Transfer(
        TcpSettings client, TcpSettings server, long bytes = 3_000_000)
    {
        // Step marking above 5 packets: slow start overruns it and the queue marks instead of dropping.
        var net = new TwoHostNetwork(rateBps: 100_000_000, settings: client, serverSettings: server, forwardQueue: new ThresholdMarkingQueue(5, 1000));
        var packets = new List<Seen>();
        net.Forward.TransmissionStarted = (_, p) => packets.Add(new Seen(true, p.Flags, p.Ecn, p.PayloadLength, p.HasAccEcn));
        net.Reverse.TransmissionStarted = (_, p) => packets.Add(new Seen(false, p.Flags, p.Ecn, p.PayloadLength, p.HasAccEcn));
        var sink = new SinkApplication(net.ServerStack, 5001, server);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, client, "bulk") { MaxBytes = bytes };
        sender.Install();
        net.Simulation.Run(SimTime.FromSeconds(5));
        Assert.Equal(bytes, sink.BytesReceived);
        return (net, packets, sender.Connection!, sink.Accepted.Single());
    }

    private static TcpSettings Cubic(int ecn) => TcpSettings.Linux with { Ecn = ecn, ReceiveBuffer = 1 << 20 };

    [Fact]
    public void TheHandshakeNegotiatesAccurateEcnAndEverySegmentAfterItIsEctWithTheAceField()
    {
        var (_, packets, sender, receiver) = Transfer(Cubic(3), Cubic(3));

        // RFC 9768 §3.1.1: the SYN sets AE, CWR and ECE; the SYN-ACK reflects its Not-ECT as 0b010 and carries the option.
        var syn = packets.First(p => p.Forward && (p.Flags & TcpFlags.Syn) != 0);
        Assert.Equal(Ace, syn.Flags & Ace);
        var synAck = packets.First(p => !p.Forward && (p.Flags & TcpFlags.Syn) != 0);
        Assert.Equal(TcpFlags.Cwr, synAck.Flags & Ace);
        Assert.True(synAck.HasOption);
        Assert.True(sender.EcnModeAccEcn);
        Assert.True(receiver.EcnModeAccEcn);

        // §3.1.5: every later segment, pure ACKs included, is ECT(0) (CE once the queue marked it)
        // and carries the option (tcp_ecn_option 2).
        var established = packets.Where(p => (p.Flags & TcpFlags.Syn) == 0).ToList();
        Assert.All(established, p => Assert.Contains(p.Ecn, new[] { EcnCodepoint.Ect0, EcnCodepoint.Ce }));
        Assert.All(established.Where(p => !p.Forward), p => Assert.Equal(EcnCodepoint.Ect0, p.Ecn));
        Assert.All(established.Skip(1), p => Assert.True(p.HasOption));

        // The option's 12 bytes come off every data segment (tcp_current_mss()).
        Assert.Equal(1448 - 12, packets.Where(p => p.Forward).Max(p => p.Payload));
        Assert.Equal(AccEcnFailMode.None, sender.AccEcnFailMode | receiver.AccEcnFailMode);
        Assert.Equal(AccEcnOptionSeen.Counters, sender.AccEcnOptionSeen);
    }

    [Fact]
    public void TheSenderCountsExactlyTheMarksTheQueueMadeWhereRfc3168FeedbackOvercounts()
    {
        var (accurateNet, _, accurate, accurateReceiver) = Transfer(Cubic(3), Cubic(3));
        var (classicNet, _, classic, classicReceiver) = Transfer(Cubic(1), Cubic(1));

        var marks = accurateNet.Forward.Statistics.EcnMarks;
        Assert.True(marks >= 5, $"{marks} marks");
        Assert.Equal(marks, accurateReceiver.ReceivedCe);
        Assert.Equal(marks, accurate.DeliveredCe);
        Assert.Equal(accurateReceiver.ReceivedEcnBytes.Ce, accurate.DeliveredEcnBytes.Ce);
        Assert.Equal(accurateReceiver.ReceivedEcnBytes.Ect0, accurate.DeliveredEcnBytes.Ect0);
        Assert.True(accurate.Statistics.EcnReductions > 0);
        Assert.Equal(0, accurate.Statistics.TotalRetransmissions);

        // RFC 3168's ECE stays on every ACK until CWR: every segment those ACKs cover counts as marked.
        Assert.True(classic.DeliveredCe > classicNet.Forward.Statistics.EcnMarks, $"{classic.DeliveredCe} against {classicNet.Forward.Statistics.EcnMarks} marks");
        Assert.Equal(classicNet.Forward.Statistics.EcnMarks, classicReceiver.Statistics.CeReceived);
    }

    /// <summary>RFC 9768 Table 2 as Linux's tcp_ecn modes take part in it.</summary>
    [Theory]
    [InlineData(3, 3, "accecn")]
    [InlineData(3, 5, "accecn")]
    [InlineData(3, 4, "accecn")]
    [InlineData(3, 2, "rfc3168")]
    [InlineData(3, 1, "rfc3168")]
    [InlineData(3, 0, "off")]
    [InlineData(4, 3, "rfc3168")]
    [InlineData(1, 3, "rfc3168")]
    [InlineData(5, 3, "off")]
    public void TheFeedbackNegotiatedFollowsBothEndsTcpEcn(int client, int server, string expected)
    {
        var (_, packets, sender, receiver) = Transfer(Cubic(client), Cubic(server), bytes: 100_000);

        Assert.Equal(expected, Mode(sender));
        Assert.Equal(expected, Mode(receiver));
        var dataEcn = packets.Where(p => p.Forward && p.Payload > 0).Select(p => p.Ecn).Distinct().Order().ToArray();
        Assert.Equal(expected == "off" ? [EcnCodepoint.NotEct] : new[] { EcnCodepoint.Ect0, EcnCodepoint.Ce }, dataEcn);
    }

    private static string Mode(TcpConnection connection) =>
        connection.EcnModeAccEcn ? "accecn" : connection.EcnModeRfc3168 ? "rfc3168" : "off";
}
