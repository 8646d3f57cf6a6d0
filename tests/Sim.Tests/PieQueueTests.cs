using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

/// <summary>PIE (RFC 8033) as Linux's sch_pie computes it, checked against the kernel's formulas worked by hand.</summary>
public class PieQueueTests
{
    private const int Mtu = 1500;

    [Fact]
    public void TheFirstUpdateMovesTheProbabilityByAlphaAndBetaScaledForALightProbability()
    {
        var controller = new PieController(PieParameters.Default);
        controller.Dequeued(SimTime.FromMilliseconds(30), SimTime.Zero, backlog: 15_000, packetBytes: 1500);
        controller.Update(15_000);

        // alpha = 2 x (MAX_PROB / 976,562 ticks a second) >> 4 = 9,223,376,759 and beta (20) 92,233,767,591,
        // halved and then quartered five times for a probability below 1e-6: 4,503,601 and 45,036,019.
        // The delay is 30 ms = 29,296 ticks against a target of 14,648, and was 0 before:
        // 4,503,601 x 14,648 + 45,036,019 x 29,296 = 1,385,343,960,072, a probability of 1.92e-5.
        Assert.Equal(1_385_343_960_072UL, controller.Variables.Probability);
        Assert.Equal(29_296UL, controller.Variables.QueueDelayOld);
    }

    /// <summary>
    /// With the drain-rate estimator the delay is the backlog over the rate measured across 16 KiB
    /// of departures (Little's law): 100 packets of 1500 bytes leaving one a millisecond are 100 ms.
    /// </summary>
    [Fact]
    public void TheDrainRateEstimatorTakesTheDelayFromTheBacklogAndTheRate()
    {
        var controller = new PieController(PieParameters.Default with { DequeueRateEstimator = true });
        for (var ms = 1; ms <= 100; ms++)
        {
            controller.Dequeued(SimTime.FromMilliseconds(ms), SimTime.Zero, backlog: 150_000, packetBytes: 1500);
        }

        controller.Update(150_000);

        Assert.InRange(controller.QueueDelay.Milliseconds, 95, 105);
        Assert.True(controller.Probability > 0);
    }

    [Fact]
    public void AStandingQueueIsDroppedOnlyAfterTheFirstUpdateAndTheBurstAllowanceThenMoreAsTheDelayStays()
    {
        var pie = new PieQueue(PieParameters.Default, Mtu, new Random(1));
        var drops = new List<long>();
        var now = SimTime.Zero;
        pie.Dropped = (_, reason) =>
        {
            Assert.Equal(DropReason.PieEarly, reason);
            drops.Add(now.Milliseconds);
        };

        // 100 packets queued, one out every millisecond and arrivals until it is full again: a 100 ms delay throughout.
        var probabilities = new List<double>();
        for (var step = 0; step < 30; step++)
        {
            KeepQueued(pie, 100, SimTime.FromMilliseconds(100 * step), SimTime.FromMilliseconds(100 * (step + 1)), ref now);
            probabilities.Add(pie.Controller.Probability);
        }

        // pie_init() arms the first update at half a second; the 150 ms of burst allowance was spent by then.
        Assert.NotEmpty(drops);
        Assert.True(drops[0] > 500, $"first drop at {drops[0]} ms");

        // The delay stays at 100 ms, far above the 15 ms target: the probability only grows, and
        // above 10% by at most 2% an update (seven updates in 100 ms). Near 1 arrivals are dropped
        // faster than the queue can be refilled, its delay falls, and the probability settles.
        var rising = probabilities.TakeWhile(p => p < 0.8).ToList();
        Assert.True(rising.Count > 10);
        Assert.Equal(rising.Order(), rising);
        Assert.All(rising.Zip(rising.Skip(1)).Where(p => p.First >= 0.1), p => Assert.True(p.Second - p.First <= 7 * 0.02, $"{p.First:F3} to {p.Second:F3}"));
        Assert.InRange(probabilities[^1], 0.5, 1.1);
        Assert.True(drops.Count(d => d > 2000) > drops.Count(d => d <= 1000));
    }

    [Fact]
    public void NoEarlyDropWithFewerThanTwoMtusQueued()
    {
        var pie = new PieQueue(PieParameters.Default, Mtu, new Random(1));
        var drops = new List<long>();
        var now = SimTime.Zero;
        pie.Dropped = (_, _) => drops.Add(now.Milliseconds);
        KeepQueued(pie, 100, SimTime.Zero, SimTime.FromSeconds(3), ref now);
        Assert.True(pie.Controller.Probability > 0.4, $"probability {pie.Controller.Probability:F2}");

        // Down to one packet, then one in and one out every millisecond for 50 ms: the probability
        // stays high, but a backlog under two MTUs is never dropped from (pie_drop_early()).
        while (pie.Count > 1)
        {
            pie.Dequeue(now);
        }

        var before = drops.Count;
        for (var ms = 1; ms <= 50; ms++)
        {
            now = SimTime.FromSeconds(3) + SimTime.FromMilliseconds(ms);
            pie.Enqueue(QueueTestPackets.Make(), now);
            pie.Dequeue(now);
        }

        Assert.Equal(before, drops.Count);
        Assert.True(pie.Controller.Probability > 0.2, $"probability {pie.Controller.Probability:F2}");
    }

    /// <summary>Keeps <paramref name="packets"/> queued from <paramref name="from"/> to <paramref name="to"/>: one out every millisecond, and arrivals until the queue is full again.</summary>
    private static void KeepQueued(PieQueue pie, int packets, SimTime from, SimTime to, ref SimTime now)
    {
        for (now = from; now <= to; now += SimTime.FromMilliseconds(1))
        {
            if (now > from)
            {
                pie.Dequeue(now);
            }

            // Above a probability of 1 every arrival is dropped: give up after a thousand.
            for (var attempt = 0; pie.Count < packets && attempt < 1000; attempt++)
            {
                pie.Enqueue(QueueTestPackets.Make(), now);
            }
        }

        now = to;
    }

    [Fact]
    public void WithEcnCapablePacketsAreMarkedWhileTheProbabilityIsAtMostTenPercentAndDroppedAbove()
    {
        var pie = new PieQueue(PieParameters.Default with { Ecn = true }, Mtu, new Random(1));
        var marks = new List<double>();
        var drops = new List<double>();
        pie.Marked = (p, reason) =>
        {
            Assert.Equal((DropReason.PieEarly, EcnCodepoint.Ce), (reason, p.Ecn));
            marks.Add(pie.Controller.Probability);
        };
        pie.Dropped = (_, _) => drops.Add(pie.Controller.Probability);
        for (var i = 0; i < 100; i++)
        {
            pie.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.Ect0), SimTime.Zero);
        }

        for (var ms = 1; ms <= 3000; ms++)
        {
            var now = SimTime.FromMilliseconds(ms);
            pie.Dequeue(now);
            pie.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.Ect0), now);
        }

        Assert.NotEmpty(marks);
        Assert.NotEmpty(drops);
        Assert.All(marks, p => Assert.True(p <= 0.1));
        Assert.All(drops, p => Assert.True(p > 0.1));
    }

    /// <summary>
    /// The queue runs the updates that fell due when it is next used, and passes over those that
    /// change nothing: the same states and drops as a queue looked at every millisecond, through a
    /// congested period, an idle second and a second congested period.
    /// </summary>
    [Fact]
    public void UpdatesRunWhenTheQueueIsNextUsedGiveWhatATimerWould()
    {
        var lazy = new PieQueue(PieParameters.Default, Mtu, new Random(7));
        var watched = new PieQueue(PieParameters.Default, Mtu, new Random(7));
        var lazyDrops = new List<long>();
        var watchedDrops = new List<long>();
        var now = SimTime.Zero;
        lazy.Dropped = (_, _) => lazyDrops.Add(now.Nanoseconds);
        watched.Dropped = (_, _) => watchedDrops.Add(now.Nanoseconds);
        for (var ms = 0; ms < 6000; ms++)
        {
            now = SimTime.FromMilliseconds(ms);
            var congested = ms is < 2000 or >= 3000 and < 5000;
            foreach (var queue in (PieQueue[])[lazy, watched])
            {
                if (congested)
                {
                    // Two in, one out: the queue builds until PIE's drops hold it.
                    queue.Enqueue(QueueTestPackets.Make(), now);
                    queue.Enqueue(QueueTestPackets.Make(), now);
                    queue.Dequeue(now);
                }
                else if (queue.Count > 0 || queue == watched)
                {
                    queue.Dequeue(now);
                }
            }
        }

        // The drops of the second congested period follow from the state each queue brought out of the idle second.
        Assert.Contains(lazyDrops, d => d > SimTime.FromMilliseconds(3000).Nanoseconds);
        Assert.Equal(watchedDrops, lazyDrops);
        now = SimTime.FromMilliseconds(6000);
        lazy.Dequeue(now);
        watched.Dequeue(now);
        Assert.Equal(watched.Controller.Variables, lazy.Controller.Variables);
    }
}
