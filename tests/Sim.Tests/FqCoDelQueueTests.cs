using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

/// <summary>FQ-CoDel (RFC 8290): flow isolation, sparse-flow priority, deficit round robin, overflow from the fattest flow.</summary>
public class FqCoDelQueueTests
{
    private static FqCoDelQueue Make(int limit = 10_240) =>
        new(CoDelParameters.Default(1500), flows: 1024, quantum: 1514, limit, perturbation: 42);

    [Fact]
    public void ASparseFlowIsServedBeforeABackloggedOne()
    {
        var fq = Make();
        for (var i = 0; i < 50; i++)
        {
            fq.Enqueue(QueueTestPackets.Make(sourcePort: 1), SimTime.Zero);
        }

        // Serve a few so the bulk flow moves to the old list, then a new flow's packet arrives.
        for (var i = 0; i < 3; i++)
        {
            fq.Dequeue(SimTime.Zero);
        }

        fq.Enqueue(QueueTestPackets.Make(payload: 100, sourcePort: 2), SimTime.Zero);
        Assert.Equal(2, fq.Dequeue(SimTime.Zero)!.SourcePort);
    }

    [Fact]
    public void BackloggedFlowsShareBytesEquallyWhateverTheirPacketSizes()
    {
        var fq = Make();
        Assert.NotEqual(fq.FlowOf(QueueTestPackets.Make(sourcePort: 1)), fq.FlowOf(QueueTestPackets.Make(sourcePort: 2)));
        for (var i = 0; i < 1000; i++)
        {
            fq.Enqueue(QueueTestPackets.Make(payload: 1460, sourcePort: 1), SimTime.Zero);
            fq.Enqueue(QueueTestPackets.Make(payload: 460, sourcePort: 2), SimTime.Zero);
            fq.Enqueue(QueueTestPackets.Make(payload: 460, sourcePort: 2), SimTime.Zero);
            fq.Enqueue(QueueTestPackets.Make(payload: 460, sourcePort: 2), SimTime.Zero);
        }

        var bytes = new Dictionary<ushort, long> { [1] = 0, [2] = 0 };
        for (var i = 0; i < 1000; i++)
        {
            var packet = fq.Dequeue(SimTime.Zero)!;
            bytes[packet.SourcePort] += packet.SizeBytes;
        }

        Assert.InRange(bytes[1] - bytes[2], -2 * 1514, 2 * 1514);
    }

    [Fact]
    public void OverflowDropsFromTheHeadOfTheFattestFlow()
    {
        var fq = Make(limit: 100);
        var dropped = new List<ushort>();
        fq.Dropped = (p, reason) =>
        {
            Assert.Equal(DropReason.FqCoDelOverflow, reason);
            dropped.Add(p.SourcePort);
        };
        for (var i = 0; i < 90; i++)
        {
            fq.Enqueue(QueueTestPackets.Make(sourcePort: 1), SimTime.Zero);
        }

        for (var i = 0; i < 11; i++)
        {
            fq.Enqueue(QueueTestPackets.Make(sourcePort: 2), SimTime.Zero);
        }

        // The 101st packet overflows: the fat flow loses half its backlog (45 packets) from its head.
        Assert.Equal(45, dropped.Count);
        Assert.All(dropped, port => Assert.Equal(1, port));
        Assert.Equal(56, fq.Count);
    }
}
