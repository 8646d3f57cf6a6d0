using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

/// <summary>FQ-PIE as Linux's sch_fq_pie: a PIE controller per flow queue, deficit round robin between them.</summary>
public class FqPieQueueTests
{
    private static FqPieQueue Make(int limit = 10240) =>
        new(PieParameters.Default with { Limit = limit }, flows: 1024, quantum: 1500, ecnProbability: 10, mtu: 1500, new Random(3));

    [Fact]
    public void ASparseFlowBesideAStandingOneIsNeitherDroppedNorDelayed()
    {
        var fq = Make();
        var fat = QueueTestPackets.Make(sourcePort: 1000);
        var sparse = QueueTestPackets.Make(sourcePort: 2000);
        Assert.NotSame(fq.ControllerOf(fat), fq.ControllerOf(sparse));
        var dropped = new List<ushort>();
        fq.Dropped = (p, reason) =>
        {
            Assert.Equal(DropReason.PieEarly, reason);
            dropped.Add(p.SourcePort);
        };

        // The fat flow keeps 200 packets queued, one leaving a millisecond; the sparse one sends a packet every 20 ms.
        var sparseWaits = new List<double>();
        var sparseSent = new Dictionary<Packet, SimTime>();
        for (var ms = 0; ms < 5000; ms++)
        {
            var now = SimTime.FromMilliseconds(ms);
            if (ms % 20 == 0)
            {
                var packet = QueueTestPackets.Make(sourcePort: 2000);
                sparseSent[packet] = now;
                fq.Enqueue(packet, now);
            }

            for (var attempt = 0; attempt < 10 && fq.Count < 200; attempt++)
            {
                fq.Enqueue(QueueTestPackets.Make(sourcePort: 1000), now);
            }

            if (fq.Dequeue(now) is { } sent && sparseSent.Remove(sent, out var at))
            {
                sparseWaits.Add((now - at).TotalSeconds * 1000);
            }
        }

        Assert.Contains((ushort)1000, dropped);
        Assert.DoesNotContain((ushort)2000, dropped);
        Assert.True(fq.ControllerOf(fat).Probability > 0.05, $"fat flow's probability {fq.ControllerOf(fat).Probability:F3}");
        Assert.Equal(0, fq.ControllerOf(sparse).Probability);

        // New flows are served first: a sparse packet leaves at the next dequeue but one.
        Assert.All(sparseWaits, ms => Assert.True(ms <= 2, $"{ms} ms"));
    }

    [Fact]
    public void TheWholeQueuesLimitDropsArrivalsOfAnyFlow()
    {
        var fq = Make(limit: 10);
        var reasons = new List<DropReason>();
        fq.Dropped = (_, reason) => reasons.Add(reason);
        for (ushort port = 1; port <= 12; port++)
        {
            fq.Enqueue(QueueTestPackets.Make(sourcePort: port), SimTime.Zero);
        }

        Assert.Equal(10, fq.Count);
        Assert.Equal([DropReason.QueueFull, DropReason.QueueFull], reasons);
    }
}
