using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

/// <summary>DCTCP's step marking (RFC 8257 §3.1): CE above K packets, by the instantaneous length.</summary>
public class ThresholdMarkingQueueTests
{
    [Fact]
    public void ArrivalsFindingMoreThanKPacketsAreMarkedAndNonEctOnesDropped()
    {
        var queue = new ThresholdMarkingQueue(thresholdPackets: 2, limitPackets: 5);
        var marks = new List<DropReason>();
        var drops = new List<DropReason>();
        queue.Marked = (_, reason) => marks.Add(reason);
        queue.Dropped = (_, reason) => drops.Add(reason);
        var arrivals = Enumerable.Range(0, 4).Select(_ => QueueTestPackets.Make(ecn: EcnCodepoint.Ect0)).ToList();

        foreach (var packet in arrivals)
        {
            queue.Enqueue(packet, SimTime.Zero);
        }

        // 0, 1 and 2 packets ahead: not marked; 3 ahead: marked.
        Assert.Equal([EcnCodepoint.Ect0, EcnCodepoint.Ect0, EcnCodepoint.Ect0, EcnCodepoint.Ce], arrivals.Select(p => p.Ecn));
        Assert.Equal([DropReason.Threshold], marks);
        queue.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        Assert.Equal([DropReason.Threshold], drops);
        Assert.Equal(4, queue.Count);
    }

    [Fact]
    public void ArrivalsAtTheLimitAreDroppedEvenWhenEcnCapable()
    {
        var queue = new ThresholdMarkingQueue(thresholdPackets: 0, limitPackets: 2);
        var drops = new List<DropReason>();
        queue.Dropped = (_, reason) => drops.Add(reason);

        for (var i = 0; i < 3; i++)
        {
            queue.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.Ect0), SimTime.Zero);
        }

        Assert.Equal([DropReason.QueueFull], drops);
        Assert.Equal(2, queue.Count);
        Assert.Equal(EcnCodepoint.Ect0, queue.Dequeue(SimTime.Zero)!.Ecn);
        Assert.Equal(EcnCodepoint.Ce, queue.Dequeue(SimTime.Zero)!.Ecn);
    }
}
