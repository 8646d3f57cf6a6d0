using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// TCP_INFO's chronograph over a bulk transfer (Linux tcp_chrono_start()): what limits sending is
/// timed as the peer's window or neither; the busy time takes in both. (The send buffer's clock
/// runs only when an ACK sends what a waiting writer left unsent, which a bulk writer whose
/// skbs leave as it writes them never does: scripts/tcp_info/sndbuf-limited-time.pkt times it.)
/// </summary>
public class ChronoTests
{
    [Theory]
    [InlineData(4 << 20, 16 << 10, "rwnd")]
    [InlineData(4 << 20, 4 << 20, "cwnd")]
    public void TheClockThatRunsIsTheLimitThatHolds(int sendBuffer, int receiveBuffer, string limit)
    {
        // 100 Mbit/s, 50 ms one way: 1.25 MB in flight would fill the path, so a 16 KiB receive
        // buffer is what limits; with 4 MiB on both sides, only cwnd does.
        var settings = TcpSettings.Linux with { SendBuffer = sendBuffer, ReceiveBuffer = receiveBuffer, ReceiveBufferMax = receiveBuffer };
        var net = new TwoHostNetwork(rateBps: 100_000_000, delayMs: 50, queuePackets: 10_000, settings: settings);
        new SinkApplication(net.ServerStack, 80, settings).Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, settings, "bulk");
        sender.Install();
        net.Simulation.Run(SimTime.FromSeconds(5));
        var connection = sender.Connection!;

        var busy = connection.BusyTimeUs / 1e6;
        var sndbuf = connection.SndbufLimitedUs / 1e6;
        var rwnd = connection.RwndLimitedUs / 1e6;
        Assert.InRange(busy, 4.8, 5.0);
        Assert.Equal(0, sndbuf);
        Assert.InRange(rwnd, limit == "rwnd" ? 4.0 : 0, limit == "rwnd" ? 5.0 : 0.05);
    }
}
