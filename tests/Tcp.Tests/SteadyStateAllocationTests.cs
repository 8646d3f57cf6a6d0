using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Issue 8: once packets, rings and buffers have grown to their peak, forwarding, ACK processing,
/// SACK recovery and retransmission allocate nothing (pooled packets, re-armed timers, struct
/// calendar entries). A ring may still double when a burst of losses sets a new peak, so the bound
/// is under one byte per packet: any allocation made per packet, or per loss, would exceed it.
/// </summary>
public class SteadyStateAllocationTests
{
    [Theory]
    [InlineData("reno", 0.0)]
    [InlineData("reno", 0.005)]
    [InlineData("cubic", 0.005)]
    [InlineData("bbr", 0.005)]
    public void AWarmedUpBulkTransferAllocatesNothingPerPacket(string congestion, double loss)
    {
        var settings = TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 1 << 20, SendBuffer = 1 << 20 };
        var net = new TwoHostNetwork(rateBps: 20_000_000, forwardLoss: loss, settings: settings);
        var sink = new SinkApplication(net.ServerStack, 5001, settings);
        sink.Install();
        new BulkSendApplication(net.ClientStack, net.Server.Address, 5001, settings, "bulk").Install();
        net.Simulation.Run(SimTime.FromSeconds(10));
        var packetsBefore = net.Forward.Statistics.PacketsTransmitted;

        var before = GC.GetAllocatedBytesForCurrentThread();
        net.Simulation.Run(SimTime.FromSeconds(40));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var packets = net.Forward.Statistics.PacketsTransmitted - packetsBefore;
        Assert.True(packets > 5_000);
        Assert.True(allocated < packets, $"{allocated} bytes allocated over {packets} packets");
    }
}
