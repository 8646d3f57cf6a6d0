using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;

namespace NetSim.Tcp.Tests;

/// <summary>
/// What SO_RCVLOWAT, TCP_NOTSENT_LOWAT and TCP_THIN_LINEAR_TIMEOUTS do to a connection:
/// tcp_data_ready() with tcp_epollin_ready(), tcp_stream_memory_free(), and the linear RTO of
/// tcp_retransmit_timer().
/// </summary>
public class SocketLevelOptionTests
{
    [Fact]
    public void AReaderWaitingForRcvlowatBytesIsWokenOnlyWhenTheyAreThereOrThePeerFinishes()
    {
        var net = new TwoHostNetwork();
        var listener = net.ServerStack.Listen(80);
        var deliveries = new List<(long Offset, int Bytes)>();
        listener.Accepted = child =>
        {
            child.SetReceiveLowWatermark(20_000, throughSocketLayer: true);
            child.DataReceived = (_, offset, bytes) => deliveries.Add((offset, bytes));
            child.RemoteClosed = c => c.Close();
        };
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(5_000);
        net.Simulation.Schedule(SimTime.FromSeconds(1), () => client.Write(20_000));
        net.Simulation.Schedule(SimTime.FromSeconds(2), client.Close);
        net.Simulation.Run(SimTime.FromSeconds(3));

        // The first 5000 bytes wait; the reader wakes once 20000 are there and reads them all; the rest comes with the FIN.
        Assert.Equal(2, deliveries.Count);
        Assert.Equal(0, deliveries[0].Offset);
        Assert.InRange(deliveries[0].Bytes, 20_000, 20_000 + 1448 - 1);
        Assert.Equal((long)deliveries[0].Bytes, deliveries[1].Offset);
        Assert.Equal(25_000, deliveries.Sum(d => d.Bytes));
    }

    [Fact]
    public void RcvlowatGrowsAnUnlockedBufferUpToHalfOfTcpRmemMax()
    {
        var settings = TcpSettings.Linux with { ReceiveBuffer = 131072, ReceiveBufferMax = 1 << 20 };
        var net = new TwoHostNetwork(settings: settings);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.ServerStack.Listen(80);
        net.Simulation.Run(SimTime.FromMilliseconds(100));

        client.SetReceiveLowWatermark(300_000, throughSocketLayer: true);
        Assert.Equal((300_000, 600_000, 300_000u), (client.ReceiveLowWatermark, client.ReceiveBufferSize, client.WindowClamp));

        // Past half of tcp_rmem[2] (here twice the 1 MiB payload maximum) the watermark is capped.
        client.SetReceiveLowWatermark(int.MaxValue, throughSocketLayer: true);
        Assert.Equal(1 << 20, client.ReceiveLowWatermark);
    }

    [Theory]
    [InlineData(16_384)]
    [InlineData(65_536)]
    public void NotsentLowatKeepsTheUnsentBacklogNearTheMarkWithoutStarvingTheLink(int mark)
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20);
        new Apps.SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        long maxNotSent = 0;
        client.Established = c =>
        {
            c.SetNotSentLowWatermark(mark);
            c.Write(c.SendBufferSpace);
        };
        client.SendSpaceAvailable = c =>
        {
            c.Write(c.SendBufferSpace);
            maxNotSent = Math.Max(maxNotSent, c.NotSentBytes);
        };
        net.Simulation.Run(SimTime.FromSeconds(10));

        // A write may finish the segment it started past the mark; the link stays busy (ACK clocking refills before the backlog drains).
        Assert.InRange(maxNotSent, mark / 2, mark + 1448);
        var goodputMbps = client.Statistics.BytesAcked * 8 / 10.0 / 1e6;
        Assert.True(goodputMbps > 9.0, $"goodput {goodputMbps:F2} Mbit/s");
    }

    [Fact]
    public void WithoutNotsentLowatTheWholeSendBufferWaitsUnsent()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20);
        new Apps.SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        long maxNotSent = 0;
        client.Established = c => c.Write(c.SendBufferSpace);
        client.SendSpaceAvailable = c =>
        {
            c.Write(c.SendBufferSpace);
            maxNotSent = Math.Max(maxNotSent, c.NotSentBytes);
        };
        net.Simulation.Run(SimTime.FromSeconds(10));

        Assert.True(maxNotSent > net.Settings.SendBuffer / 2, $"{maxNotSent} bytes unsent at most");
    }

    [Fact]
    public void AWriterIsWokenOnlyOnceAThirdOfTheSendBufferIsFree()
    {
        // sk_stream_write_space() wakes the writer when sk_stream_wspace() >= sk_stream_min_wspace():
        // free room at least half of what the buffer holds, a third of the buffer.
        const int buffer = 90_000;
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, settings: TcpSettings.Linux with { SendBuffer = buffer });
        new Apps.SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        var roomAtWake = new List<long>();
        client.Established = c => c.Write(c.SendBufferSpace);
        client.SendSpaceAvailable = c =>
        {
            roomAtWake.Add(c.SendBufferSpace);
            c.Write(c.SendBufferSpace);
        };
        net.Simulation.Run(SimTime.FromSeconds(5));

        Assert.True(roomAtWake.Count > 10, $"{roomAtWake.Count} wake-ups");
        Assert.All(roomAtWake, room => Assert.InRange(room, buffer / 3, buffer));
    }

    [Theory]
    [InlineData(true, new[] { 1, 1, 1, 1, 1, 2, 4, 8 })]
    [InlineData(false, new[] { 2, 4, 8, 16, 32, 64 })]
    public void AThinStreamWithLinearTimeoutsKeepsItsRtoForSixRetransmissions(bool thin, int[] multiples)
    {
        var loss = new ScheduledLoss();
        var recorder = new StateRecorder();
        var net = new TwoHostNetwork(forwardLossModel: loss);
        recorder.Attach(net.ClientStack);
        new Apps.SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.ThinLinearTimeouts = thin;
        client.Established = c => c.Write(1000);
        net.Simulation.Schedule(SimTime.FromSeconds(1), () =>
        {
            loss.Outage = true;
            client.Write(100);
        });
        net.Simulation.Run(SimTime.FromSeconds(200));

        // Each gap between timeouts after the first gap, in units of that one: with thin_lto the first
        // six timeouts (icsk_retransmits 1..6 <= TCP_THIN_LINEAR_RETRIES) keep the RTO, so gaps 2..6 equal gap 1.
        var times = recorder.Timeouts.Select(t => t.At.TotalSeconds).ToArray();
        var first = times[1] - times[0];
        var gaps = times.Zip(times.Skip(1), (a, b) => (int)Math.Round((b - a) / first)).Skip(1).Take(multiples.Length);
        Assert.Equal(multiples, gaps);
    }
}
