using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Tests;

/// <summary>RED against hand-computed values (Floyd and Jacobson 1993; gentle RED, Floyd 2000).</summary>
public class RedQueueTests
{
    private static readonly RedParameters Classic = new(MinThreshold: 5, MaxThreshold: 15, MaxP: 0.1, Weight: 0.002, Limit: 100, Gentle: false, Ecn: false);
    private static readonly RedParameters Gentle = Classic with { Gentle = true };

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4.99, 0)]
    [InlineData(5, 0)]
    [InlineData(10, 0.05)]
    [InlineData(14, 0.09)]
    [InlineData(15, 1)]
    [InlineData(40, 1)]
    public void TheClassicCurveRisesLinearlyToMaxPThenJumpsToOne(double average, double expected)
    {
        Assert.Equal(expected, RedQueue.BaseProbability(Classic, average), 12);
    }

    [Theory]
    [InlineData(15, 0.1)]
    [InlineData(22.5, 0.55)]
    [InlineData(29.9, 0.994)]
    [InlineData(30, 1)]
    public void TheGentleCurveRisesFromMaxPToOneBetweenMaxThAndTwiceIt(double average, double expected)
    {
        Assert.Equal(expected, RedQueue.BaseProbability(Gentle, average), 12);
    }

    [Fact]
    public void TheAverageIsAnEwmaOfTheQueueSeenByEachArrival()
    {
        var red = new RedQueue(Classic with { Weight = 0.5, MinThreshold = 100, MaxThreshold = 200 }, SimTime.FromMilliseconds(1), new System.Random(1));

        // Arrivals see queues of 0, 1, 2, 3: avg = 0, 0.5, 1.25, 2.125.
        var averages = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            red.Enqueue(QueueTestPackets.Make(), SimTime.FromMilliseconds(i));
            averages.Add(red.Average);
        }

        Assert.Equal([0, 0.5, 1.25, 2.125], averages);
    }

    [Fact]
    public void AnIdleQueueDecaysTheAverageAsIfTypicalPacketsHadLeft()
    {
        var red = new RedQueue(Classic with { Weight = 0.5, MinThreshold = 100, MaxThreshold = 200 }, SimTime.FromMilliseconds(1), new System.Random(1));
        for (var i = 0; i < 4; i++)
        {
            red.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        }

        for (var i = 0; i < 4; i++)
        {
            red.Dequeue(SimTime.FromMilliseconds(10));
        }

        // avg = 2.125 when the queue empties at 10 ms; an arrival 3 ms later: m = 3, avg = 2.125 * 0.5^3.
        red.Enqueue(QueueTestPackets.Make(), SimTime.FromMilliseconds(13));
        Assert.Equal(2.125 / 8, red.Average, 12);
    }

    [Fact]
    public void AboveTheMaximumThresholdEveryArrivalIsDroppedOrMarkedIfEcnCapable()
    {
        var parameters = Classic with { Weight = 1, MinThreshold = 1, MaxThreshold = 2, Ecn = true };
        var red = new RedQueue(parameters, SimTime.FromMilliseconds(1), new System.Random(1));
        var drops = new List<DropReason>();
        var marks = new List<DropReason>();
        red.Dropped = (_, r) => drops.Add(r);
        red.Marked = (_, r) => marks.Add(r);
        for (var i = 0; i < 3; i++)
        {
            red.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.Ect0), SimTime.Zero);
        }

        // With weight 1, avg is the queue itself: 0, 1 (early region, pb 0), 2 (forced).
        var ect = QueueTestPackets.Make(ecn: EcnCodepoint.Ect0);
        red.Enqueue(ect, SimTime.Zero);
        red.Enqueue(QueueTestPackets.Make(ecn: EcnCodepoint.NotEct), SimTime.Zero);

        Assert.Equal(EcnCodepoint.Ce, ect.Ecn);
        Assert.Contains(DropReason.RedForced, marks);
        Assert.Equal([DropReason.RedForced], drops);
    }

    [Fact]
    public void EarlyDropsFollowTheCountCorrectedProbability()
    {
        // Hold avg at 10 (pb = 0.05). With count incremented before pa = pb / (1 - count pb) (figure 2 of the
        // paper), the chance of no drop in the n packets after a drop telescopes to (1 - (n+1) pb) / (1 - pb):
        // the gap is uniform on 1..19, its mean 10, so the long-run drop rate is 1/10.
        var parameters = Classic with { Weight = 1, Limit = 1000 };
        var red = new RedQueue(parameters, SimTime.FromMilliseconds(1), new System.Random(7));
        var drops = 0;
        red.Dropped = (_, _) => drops++;
        for (var i = 0; i < 10; i++)
        {
            red.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
        }

        const int arrivals = 200_000;
        for (var i = 0; i < arrivals; i++)
        {
            red.Enqueue(QueueTestPackets.Make(), SimTime.Zero);
            if (red.Count > 10)
            {
                red.Dequeue(SimTime.Zero);
            }
        }

        Assert.InRange(drops / (double)arrivals, 0.1 * 0.97, 0.1 * 1.03);
    }
}
