using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>The timestamps option (RFC 7323 §3-5): negotiation, TS.Recent and echo, PAWS, and RTTM.</summary>
public class TimestampsTests
{
    private static List<Packet> Record(LinkChannel channel)
    {
        var copies = new List<Packet>();
        channel.TransmissionStarted = (_, p) =>
        {
            var copy = new Packet();
            p.CopyTo(copy);
            copies.Add(copy);
        };
        return copies;
    }

    [Fact]
    public void BothSidesOfferingThemTimestampEverySegmentAndEchoTheLatestTsVal()
    {
        var net = new TwoHostNetwork();
        var sent = Record(net.Forward);
        var returned = Record(net.Reverse);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "f") { MaxBytes = 50_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(5));

        var syn = sent[0];
        var synAck = returned[0];
        Assert.True(syn.HasTimestamps);
        Assert.Equal(0u, syn.TsEcr);
        Assert.True(synAck.HasTimestamps);
        Assert.Equal(syn.TsVal, synAck.TsEcr);
        Assert.All(sent.Concat(returned), p => Assert.True(p.HasTimestamps));

        // Linux's 1448-byte segments: 1460 less the 12 bytes of NOP NOP timestamps, so a full packet stays 1500 bytes.
        Assert.Equal(1448, sender.Connection!.Mss);
        Assert.Equal(1448, sent.Max(p => p.PayloadLength));
        Assert.Equal(1500, sent.Max(p => p.SizeBytes));

        // The client's TSval clock runs in milliseconds: 40 ms of handshake apart.
        Assert.Equal(40u, sent[1].TsVal - syn.TsVal);
        Assert.Equal(50_000, sink.BytesReceived);
    }

    /// <summary>Linux's tcp_timestamps = 2: the TSval is the clock itself, which every host of a simulation shares.</summary>
    [Fact]
    public void WithoutOffsetsBothSidesTimestampWithTheSimulationsClock()
    {
        var settings = TcpSettings.Linux with { TimestampOffsets = false };
        var net = new TwoHostNetwork(settings: settings);
        var sent = Record(net.Forward);
        var returned = Record(net.Reverse);
        var (sink, _) = net.StartBulk(maxBytes: 20_000);
        net.Simulation.Run(SimTime.FromSeconds(5));

        // The SYN leaves at 0 ms and the SYN-ACK 20 ms later; the data at 40 ms.
        Assert.Equal((0u, 20u, 40u), (sent[0].TsVal, returned[0].TsVal, sent[1].TsVal));
        Assert.Equal(20_000, sink.BytesReceived);

        // With the offsets (tcp_timestamps = 1) neither side's TSval is the clock.
        var offset = new TwoHostNetwork();
        var offsetSent = Record(offset.Forward);
        var offsetReturned = Record(offset.Reverse);
        offset.StartBulk(maxBytes: 20_000);
        offset.Simulation.Run(SimTime.FromSeconds(5));
        Assert.NotEqual(0u, offsetSent[0].TsVal);
        Assert.NotEqual(20u, offsetReturned[0].TsVal);
    }

    [Fact]
    public void APeerWithoutTimestampsGetsNone()
    {
        var net = new TwoHostNetwork();
        var sent = Record(net.Forward);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings with { Timestamps = false });
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "f") { MaxBytes = 50_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(5));

        Assert.True(sent[0].HasTimestamps);
        Assert.All(sent.Skip(1), p => Assert.False(p.HasTimestamps));
        Assert.False(sender.Connection!.TimestampsAgreed);
        Assert.Equal(1460, sender.Connection.Mss);
        Assert.Equal(50_000, sink.BytesReceived);
    }

    [Fact]
    public void PawsDropsASegmentOlderThanTsRecentAndAnswersWithAnAck()
    {
        var net = new TwoHostNetwork();
        var sent = Record(net.Forward);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(1000);
        net.Simulation.Run(SimTime.FromSeconds(1));
        var server = sink.Accepted.Single();
        var segmentsOut = server.Statistics.SegmentsOut;

        // The next data in sequence, but stamped a second older than the client's latest TSval (RFC 7323 §5.3 R1).
        var old = net.Network.Pool.Rent();
        old.Source = net.Client.Address;
        old.Destination = net.Server.Address;
        old.SourcePort = client.LocalPort;
        old.DestinationPort = 80;
        old.SequenceNumber = client.SndNxt.Value;
        old.AcknowledgmentNumber = client.RcvNxt.Value;
        old.Flags = TcpFlags.Ack;
        old.Window = 1000;
        old.PayloadLength = 500;
        old.StreamOffset = 1000;
        old.HasTimestamps = true;
        old.TsVal = unchecked(sent[^1].TsVal - 1000);
        net.ServerStack.HandlePacket(old);

        Assert.Equal(1000, sink.BytesReceived);
        Assert.Equal(segmentsOut + 1, server.Statistics.SegmentsOut);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AnAckForRetransmittedDataGivesAnRttSampleOnlyFromTheTimestampEcho(bool timestamps)
    {
        var settings = TcpSettings.Linux with { Timestamps = timestamps };
        var net = new TwoHostNetwork(settings: settings, forwardLossModel: new ScheduledLoss(12));
        var samples = new StateRecorder();
        samples.Attach(net.ClientStack);
        new SinkApplication(net.ServerStack, 80, settings).Install();
        new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "f") { MaxBytes = 100_000 }.Install();

        net.Simulation.Run(SimTime.FromSeconds(10));

        // Karn's rule voids the send-time sample when the retransmission is acknowledged; with timestamps,
        // Linux tcp_ack_update_rtt() measures it from TSecr instead, in whole milliseconds of the TSval clock.
        var retransmitted = Assert.Single(samples.Retransmissions).At;
        var repairAck = samples.RttSamples.Where(s => s.Host == "client" && s.At > retransmitted).ToList();
        var wholeMilliseconds = repairAck.Count(s => s.Measured.Nanoseconds % 1_000_000 == 0);
        Assert.Equal(timestamps ? 1 : 0, wholeMilliseconds);
    }
}
