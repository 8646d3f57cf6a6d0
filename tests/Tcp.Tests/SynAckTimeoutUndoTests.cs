using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// A child whose SYN-ACK timed out keeps tcp_create_openreq_child()'s undo marker (the ISN, with
/// no retransmission counted against it) until its first dubious ACK in Open spends it in
/// tcp_try_undo_dsack(): an undo of nothing, since nothing was reduced, that Linux counts.
/// </summary>
public class SynAckTimeoutUndoTests
{
    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public void TheFirstDubiousAckSpendsTheMarkerALostSynAckLeft(bool synAckLost, long undos)
    {
        // The listener sits on the client host, so that its SYN-ACK and its response cross the
        // forward link, which loses the packets named: the SYN-ACK or not, and the response's
        // sixth segment either way. Without timestamps the SYN-ACK's timeout cannot be shown spurious.
        var settings = TcpSettings.Linux with { Timestamps = false };
        var net = new TwoHostNetwork(settings: settings, forwardLossModel: new ScheduledLoss(synAckLost ? [1, 8] : [7]));
        var server = new RequestResponseServer(net.ClientStack, 80, settings, 1_000, 30_000);
        server.Install();
        var client = new RequestResponseClient(net.ServerStack, net.Client.Address, 80, settings, "rr", 1_000, 30_000,
            PeriodDistribution.Fixed(SimTime.Zero), net.Simulation.Random.Get("rr"))
        {
            Requests = 1,
        };
        client.Install();
        net.Simulation.Run(SimTime.FromSeconds(10));

        Assert.Single(client.Completed);
        var child = server.Accepted[0];
        Assert.True(child.Statistics.FastRetransmits >= 1);
        Assert.Equal(undos, child.Statistics.Undos);

        // The response's loss was real: its window reduction stands.
        Assert.True(child.Window.Ssthresh < CongestionWindow.InfiniteSsthresh);
    }
}
