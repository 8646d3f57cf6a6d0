using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>The window scale option (RFC 7323 §2): offered in SYNs, used only when both sides offered it.</summary>
public class WindowScalingTests
{
    private static List<(string Direction, TcpFlags Flags, ushort Window, sbyte Shift)> Record(TwoHostNetwork net)
    {
        var segments = new List<(string, TcpFlags, ushort, sbyte)>();
        net.Forward.TransmissionStarted = (_, p) => segments.Add(("c->s", p.Flags, p.Window, p.WindowScaleOption));
        net.Reverse.TransmissionStarted = (_, p) => segments.Add(("s->c", p.Flags, p.Window, p.WindowScaleOption));
        return segments;
    }

    [Fact]
    public void BothSidesOfferingItScaleEveryWindowButTheSyns()
    {
        var settings = TcpSettings.Linux with { ReceiveBuffer = 4 << 20 };
        var net = new TwoHostNetwork(settings: settings);
        var segments = Record(net);
        var sink = new SinkApplication(net.ServerStack, 80, settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "f") { MaxBytes = 100_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(5));

        // ilog2(4 MiB) - 15 = 7, as Linux computes it; the SYNs' windows are never scaled, so they stop at 65535.
        Assert.Equal(7, settings.WindowScaleShift);
        Assert.Equal(("c->s", TcpFlags.Syn, (ushort)65535, (sbyte)7), segments[0]);
        Assert.Equal(("s->c", TcpFlags.Syn | TcpFlags.Ack, (ushort)65535, (sbyte)7), segments[1]);
        Assert.Equal((7, 7), (sender.Connection!.SndWscale, sender.Connection.RcvWscale));

        // The server's first ACK after data offers its initial 65535 grown by two segments (Linux
        // tcp_grow_window(): rcv_ssthresh + 2 * 1460), aligned up to the 128-byte unit: 68480 = 535 * 128.
        var serverAck = segments.Skip(2).First(s => s.Direction == "s->c");
        Assert.Equal(535, serverAck.Window);

        // The window keeps growing as data arrives, and the client reads it scaled.
        var lastAck = segments.Last(s => s.Direction == "s->c" && s.Flags == TcpFlags.Ack);
        Assert.True(lastAck.Window > 535);
        Assert.Equal((uint)lastAck.Window << 7, sender.Connection.SndWnd);
        Assert.Equal(100_000, sink.BytesReceived);
    }

    [Fact]
    public void ADefaultBufferOffersFortyFourSegmentsLikeLinux()
    {
        // 65535 rounded down to whole 1460-byte segments: the 64240 of a Linux SYN.
        var net = new TwoHostNetwork();
        var segments = Record(net);
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(1));

        Assert.Equal(("c->s", TcpFlags.Syn, (ushort)64240, (sbyte)0), segments[0]);
    }

    [Fact]
    public void APeerWithoutTheOptionLeavesBothDirectionsUnscaled()
    {
        var client = TcpSettings.Linux with { ReceiveBuffer = 4 << 20 };
        var server = TcpSettings.Linux with { ReceiveBuffer = 4 << 20, WindowScaling = false };
        var net = new TwoHostNetwork(settings: client);
        var segments = Record(net);
        var sink = new SinkApplication(net.ServerStack, 80, server);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, client, "f") { MaxBytes = 100_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(5));

        Assert.Equal(7, segments[0].Shift);
        Assert.Equal(-1, segments[1].Shift);
        Assert.Equal((0, 0), (sender.Connection!.SndWscale, sender.Connection.RcvWscale));
        Assert.Equal((0, 0), (sink.Accepted[0].SndWscale, sink.Accepted[0].RcvWscale));
        Assert.All(segments.Skip(2).Where(s => s.Direction == "s->c"), s => Assert.Equal(65535, s.Window));
        Assert.Equal(100_000, sink.BytesReceived);
    }

    [Fact]
    public void TheLargestWindowStaysBelowTwoToThe30()
    {
        // RFC 7323 §2.3: the shift is at most 14, so the window is at most 65535 * 2^14 = 2^30 - 2^14.
        // The offered window starts at 64 KiB and grows by two segments per segment received
        // (Linux tcp_grow_window()); with 64 KB jumbo segments it reaches the cap within 9,000 of them.
        // sk_rcvbuf, an int, stops at INT_MAX; the receiver's driver gives each packet little more
        // memory than its payload (as page-fragment GRO does), so the buffer holds nearly 2 GiB of
        // data, far beyond the cap, and the segment just queued (which tcp_grow_window() counts
        // against the room) does not hold the window below it.
        var settings = TcpSettings.Linux with { Mss = 64_000, ReceiveBuffer = (1 << 30) + (1 << 20), SendBuffer = 1 << 30 };
        var net = new TwoHostNetwork(rateBps: 10_000_000_000, delayMs: 1, queuePackets: 100_000, settings: settings, mtu: 65_535);
        net.Server.ReceiveTruesize = packet => packet.PayloadLength + 256;
        new SinkApplication(net.ServerStack, 80, settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "f");
        sender.Install();
        var largest = 0u;
        net.Simulation.Process(Watch());
        IEnumerable<SimEvent> Watch()
        {
            while (true)
            {
                yield return net.Simulation.Timeout(SimTime.FromMilliseconds(1));
                largest = Math.Max(largest, sender.Connection?.SndWnd ?? 0);
            }
        }

        net.Simulation.Run(SimTime.FromSeconds(1));

        Assert.Equal(14, settings.WindowScaleShift);
        Assert.Equal(65535u << 14, largest);
        Assert.True(largest < 1u << 30);
    }

    [Fact]
    public void ScalingLiftsTheSixtyFourKilobyteCapOnALongFatPipe()
    {
        // 100 Mbit/s with a 100 ms RTT: 64 KiB per RTT is about 5 Mbit/s. A 2 MiB window (shift 6) fits the
        // path's 1.25 MB in flight plus its 1000-packet queue, so it fills the link without overflowing it.
        static long Delivered(bool scaling)
        {
            var settings = TcpSettings.Linux with { ReceiveBuffer = 2 << 20, SendBuffer = 2 << 20, WindowScaling = scaling };
            var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 50, queuePackets: 1000, settings: settings);
            var sink = new SinkApplication(net.ServerStack, 80, settings);
            sink.Install();
            new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "f").Install();
            net.Simulation.Run(SimTime.FromSeconds(10));
            return sink.BytesReceived;
        }

        var unscaled = Delivered(scaling: false);
        var scaled = Delivered(scaling: true);

        Assert.InRange(unscaled * 8 / 10.0 / 1e6, 4.0, 5.3);
        Assert.True(scaled > 8 * unscaled, $"scaled {scaled} vs unscaled {unscaled}");
    }
}
