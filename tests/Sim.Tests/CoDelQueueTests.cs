using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

/// <summary>CoDel (RFC 8289) against its control law, computed by hand from the pseudocode of §5.</summary>
public class CoDelQueueTests
{
    [Fact]
    public void DropsComeAtTheControlLawsIntervalsOnceTheSojournStaysAboveTarget()
    {
        var codel = new CoDelQueue(CoDelParameters.Default(1500), limit: 1000);
        var drops = new List<SimTime>();
        var now = SimTime.Zero;
        codel.Dropped = (_, reason) =>
        {
            Assert.Equal(DropReason.CoDel, reason);
            drops.Add(now);
        };

        for (var i = 0; i < 20; i++)
        {
            codel.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        }

        for (var k = 1; k <= 500; k++)
        {
            now = SimTime.FromMilliseconds(k);
            codel.Dequeue(now);
            codel.Enqueue(QueueTestPackets.Make(), now);
        }

        // The sojourn first reaches TARGET (5 ms) at 5 ms: first_above_time = 105 ms, the first drop.
        // Then drop_next = 105 + 100/sqrt(1) = 205; 205 + 100/sqrt(2) = 275.7 (dequeued at 276);
        // + 100/sqrt(3) = 333.4 (334); + 100/sqrt(4) = 383.4 (384); + 100/sqrt(5) = 428.2 (429); + 100/sqrt(6) = 469.0 (469).
        Assert.Equal(new long[] { 105, 205, 276, 334, 384, 429, 469 }, drops.Select(d => d.Milliseconds));
    }

    [Fact]
    public void AShortQueueIsNeverDropped()
    {
        var codel = new CoDelQueue(CoDelParameters.Default(1500), limit: 1000);
        var drops = 0;
        codel.Dropped = (_, _) => drops++;
        for (var k = 0; k < 10_000; k++)
        {
            var now = SimTime.FromMilliseconds(k);
            codel.Enqueue(QueueTestPackets.Make(), now);
            codel.Enqueue(QueueTestPackets.Make(), now);
            codel.Dequeue(now + SimTime.FromMilliseconds(4));
            codel.Dequeue(now + SimTime.FromMilliseconds(4));
        }

        Assert.Equal(0, drops);
    }

    [Fact]
    public void WithEcnAnEcnCapablePacketIsMarkedAndSentInsteadOfDropped()
    {
        var codel = new CoDelQueue(CoDelParameters.Default(1500) with { Ecn = true }, limit: 1000);
        var drops = 0;
        var marked = new List<Packet>();
        codel.Dropped = (_, _) => drops++;
        codel.Marked = (p, _) => marked.Add(p);
        for (var i = 0; i < 20; i++)
        {
            codel.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.Ect0), SimTime.Zero);
        }

        var sent = new List<Packet>();
        for (var k = 1; k <= 300; k++)
        {
            var now = SimTime.FromMilliseconds(k);
            sent.Add(codel.Dequeue(now)!);
            codel.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.Ect0), now);
        }

        Assert.Equal(0, drops);
        Assert.Equal(3, marked.Count);
        Assert.All(marked, p => Assert.Contains(p, sent));
        Assert.All(marked, p => Assert.Equal(EcnCodepoint.Ce, p.Ecn));
    }
}
