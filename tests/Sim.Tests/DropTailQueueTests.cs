using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

public class DropTailQueueTests
{
    [Fact]
    public void ALimitInBytesDropsTheArrivalThatWouldExceedIt()
    {
        var queue = new DropTailQueue(capacityPackets: null, capacityBytes: 4000);
        var drops = new List<DropReason>();
        queue.Dropped = (_, reason) => drops.Add(reason);

        queue.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        queue.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        queue.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        queue.Enqueue(QueueTestPackets.Make(payload: 960), SimTime.Zero);

        Assert.Equal(3, queue.Count);
        Assert.Equal(4000, queue.Bytes);
        Assert.Equal([DropReason.QueueFull], drops);
    }
}
