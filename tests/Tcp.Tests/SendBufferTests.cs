using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// The send buffer as Linux sizes and charges it: grown with the congestion window while a
/// writer waits for room (tcp_new_space(), tcp_sndbuf_expand()) up to tcp_wmem[2], fixed by
/// SO_SNDBUF, and charged by each skb's truesize.
/// </summary>
public class SendBufferTests
{
    /// <summary>A segment's worst-case skb for a 1448-byte MSS: 1448 + 320 + 320 rounded up to 2048, and struct sk_buff.</summary>
    private const int PerSegment = 2048 + 256;

    [Fact]
    public void TheBufferGrowsToTwiceTheWindowUpToItsMaximum()
    {
        // 100 Mbit/s, 50 ms one way: 1.25 MB fills the path, far more than 64 KiB.
        var settings = TcpSettings.Linux with { SendBuffer = 64 << 10, SendBufferMax = 4 << 20, ReceiveBuffer = 8 << 20 };
        var connection = BulkTransfer(settings, TimeSpan.FromSeconds(3), out _);

        var grown = connection.SendBufferSize;
        Assert.True(grown > 1_000_000, $"send buffer {grown}");
        Assert.True(grown <= 4 << 20);
        Assert.True(grown <= 3 * connection.Window.Cwnd * PerSegment, $"send buffer {grown} for cwnd {connection.Window.Cwnd}");
    }

    [Fact]
    public void WithoutAMaximumOrOnceSoSndbufSetItTheBufferStays()
    {
        var fixedSettings = TcpSettings.Linux with { SendBuffer = 64 << 10, ReceiveBuffer = 8 << 20 };
        Assert.Equal(64 << 10, BulkTransfer(fixedSettings, TimeSpan.FromSeconds(1), out _).SendBufferSize);

        var growing = TcpSettings.Linux with { SendBuffer = 64 << 10, SendBufferMax = 4 << 20, ReceiveBuffer = 8 << 20 };
        var locked = BulkTransfer(growing, TimeSpan.FromSeconds(1), out _, lockTo: 100_000);
        Assert.Equal(200_000, locked.SendBufferSize);
    }

    [Fact]
    public void EachSkbIsChargedItsOverhead()
    {
        // Written before the handshake ends, nothing leaves: 20000 bytes are one skb, charged its
        // payload and 896 bytes; 150000 more fill it to the size goal (about 64 KiB) and take two more.
        var settings = TcpSettings.Linux with { SendBuffer = 1 << 20 };
        var net = new TwoHostNetwork(settings: settings);
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        var room = client.SendBufferSpace;

        Assert.Equal(20_000, client.Write(20_000));
        Assert.Equal(room - 20_000 - TcpConnection.SkbOverhead, client.SendBufferSpace);
        Assert.Equal(150_000, client.Write(150_000));
        Assert.Equal(room - 170_000 - (3 * TcpConnection.SkbOverhead), client.SendBufferSpace);
    }

    private static TcpConnection BulkTransfer(TcpSettings settings, TimeSpan duration, out TwoHostNetwork net, int? lockTo = null)
    {
        net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 50, queuePackets: 10_000, settings: settings);
        new SinkApplication(net.ServerStack, 80, settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "bulk");
        sender.Install();
        if (lockTo is { } size)
        {
            net.Simulation.Run(SimTime.FromMilliseconds(1));
            sender.Connection!.SetSendBufferSize(size);
        }

        net.Simulation.Run(SimTime.FromSeconds(duration.TotalSeconds));
        return sender.Connection!;
    }
}
