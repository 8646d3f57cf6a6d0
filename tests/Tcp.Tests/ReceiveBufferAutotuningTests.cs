using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Receive buffer autotuning as Linux runs it (tcp_rcv_space_adjust(), tcp_rcvbuf_grow()): the
/// receiver's own RTT estimate, the bytes read per receiver round trip, and the buffer grown from
/// them up to tcp_rmem[2], never when SO_RCVBUF fixed it or tcp_moderate_rcvbuf is off.
/// </summary>
public class ReceiveBufferAutotuningTests
{
    /// <summary>tcp_rmem[1] = 128 KiB: 64 KiB of payload, the initial window's worth.</summary>
    private const int InitialPayload = 64 << 10;

    [Fact]
    public void ABulkReceiverGrowsItsBufferToCoverThePathAndTheSenderFillsIt()
    {
        // 100 Mbit/s, 50 ms one way: 1.25 MB in flight fills the path, twenty times the initial window.
        var settings = TcpSettings.Linux with { ReceiveBuffer = InitialPayload, ReceiveBufferMax = 32 << 20, SendBuffer = 16 << 20 };
        var (net, sink) = StartBulkTransfer(settings);

        // In slow start the receiver measures the round trip from the TSvals its data echoes,
        // 100 ms before any queue builds, and the buffer keeps ahead of the sender.
        net.Simulation.Run(SimTime.FromMilliseconds(700));
        var receiver = sink.Accepted[0];
        Assert.Equal(100_000, receiver.ReceiverRttMicroseconds);
        Assert.True(receiver.ReceiveBufferSize > 2_000_000, $"sk_rcvbuf {receiver.ReceiveBufferSize}");
        Assert.True(receiver.ReceiveQueueSpace > 200_000, $"rcvq_space {receiver.ReceiveQueueSpace}");

        // Limited to 64 KiB a round trip the flow would move 2.6 MB in 4 s; autotuned it fills most
        // of the link, the buffer within tcp_rmem[2] and the window clamp following it.
        net.Simulation.Run(SimTime.FromSeconds(4));
        Assert.True(sink.BytesReceived > 30_000_000, $"delivered {sink.BytesReceived}");
        Assert.True(receiver.ReceiveBufferSize <= 32 << 20);
        Assert.Equal((uint)(receiver.ReceiveBufferSize / 2), receiver.WindowClamp);
    }

    [Fact]
    public void WithoutTimestampsTheWindowBasedSampleSetsTheReceiverRtt()
    {
        // tcp_rcv_rtt_measure(): the time for a window's worth of data to arrive after the first
        // byte, at least a round trip; it grows the buffer all the same.
        var settings = TcpSettings.Linux with { ReceiveBuffer = InitialPayload, ReceiveBufferMax = 32 << 20, SendBuffer = 16 << 20, Timestamps = false };
        var (receiver, _) = BulkTransfer(settings, TimeSpan.FromSeconds(1));

        Assert.False(receiver.TimestampsAgreed);
        Assert.InRange(receiver.ReceiverRttMicroseconds, 100_000, 105_000);
        Assert.True(receiver.ReceiveBufferSize > 2 * InitialPayload, $"sk_rcvbuf {receiver.ReceiveBufferSize}");
    }

    [Fact]
    public void AFixedLockedOrUnmoderatedBufferStaysWhileTheEstimatesAreKept()
    {
        var growing = TcpSettings.Linux with { ReceiveBuffer = InitialPayload, ReceiveBufferMax = 32 << 20, SendBuffer = 16 << 20 };

        var (withoutMaximum, _) = BulkTransfer(growing with { ReceiveBufferMax = null }, TimeSpan.FromSeconds(2));
        Assert.Equal(2 * InitialPayload, withoutMaximum.ReceiveBufferSize);

        var (unmoderated, _) = BulkTransfer(growing with { ModerateReceiveBuffer = false }, TimeSpan.FromSeconds(2));
        Assert.Equal(2 * InitialPayload, unmoderated.ReceiveBufferSize);
        Assert.InRange(unmoderated.ReceiverRttMicroseconds, 100_000, 101_000);

        // SO_RCVBUF 100000 on the listener: sk_rcvbuf 200000, SOCK_RCVBUF_LOCK inherited by the child.
        var (locked, _) = BulkTransfer(growing, TimeSpan.FromSeconds(2), lockTo: 100_000);
        Assert.Equal(200_000, locked.ReceiveBufferSize);
    }

    private static (TcpConnection Receiver, SinkApplication Sink) BulkTransfer(TcpSettings settings, TimeSpan duration, int? lockTo = null)
    {
        var (net, sink) = StartBulkTransfer(settings, lockTo);
        net.Simulation.Run(SimTime.FromSeconds(duration.TotalSeconds));
        return (sink.Accepted[0], sink);
    }

    /// <summary>A bulk flow over 100 Mbit/s with 50 ms each way and a 1000-packet queue, its receiver's listener given SO_RCVBUF <paramref name="lockTo"/>.</summary>
    private static (TwoHostNetwork Net, SinkApplication Sink) StartBulkTransfer(TcpSettings settings, int? lockTo = null)
    {
        var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 50, queuePackets: 1000, settings: settings);
        var sink = new SinkApplication(net.ServerStack, 80, settings);
        sink.Install();
        if (lockTo is { } size)
        {
            sink.Listener!.SetReceiveBufferSize(size);
        }

        new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "bulk").Install();
        return (net, sink);
    }
}
