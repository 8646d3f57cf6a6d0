using NetSim.Sim.Kernel;
using NetSim.Tcp.Buffers;

namespace NetSim.Tcp.Tests;

public class BufferTests
{
    [Fact]
    public void OutOfOrderRangesMergeAndDrainWhenTheHoleFills()
    {
        var buffer = new ReceiveBuffer(100_000);
        var base0 = new SequenceNumber(1000);
        Assert.Equal((base0 + 2000, base0 + 2000), buffer.AddOutOfOrder(base0 + 2000, base0 + 3000));
        Assert.Equal((base0 + 4000, base0 + 4000), buffer.AddOutOfOrder(base0 + 4000, base0 + 5000));

        // Overlapping both held ranges: the duplicate runs from 2500 (first held byte) to 4500.
        Assert.Equal((base0 + 2500, base0 + 4500), buffer.AddOutOfOrder(base0 + 2500, base0 + 4500));
        Assert.Equal((base0 + 2600, base0 + 2700), buffer.AddOutOfOrder(base0 + 2600, base0 + 2700));
        Assert.Equal(3000, buffer.OutOfOrderBytes);

        Assert.Equal(0, buffer.TakeInOrder(base0 + 1000).Taken);
        Assert.Equal(3000, buffer.TakeInOrder(base0 + 2000).Taken);
        Assert.False(buffer.HasOutOfOrder);
    }

    [Fact]
    public void InOrderDataThatReachesIntoHeldDataReportsTheOverlapAsDuplicate()
    {
        var buffer = new ReceiveBuffer(100_000);
        var base0 = new SequenceNumber(0);
        buffer.AddOutOfOrder(base0 + 1000, base0 + 2000);

        // rcv_nxt is now 1500: bytes 1000-1500 arrived twice.
        var (taken, duplicateStart, duplicateEnd) = buffer.TakeInOrder(base0 + 1500);

        Assert.Equal(500, taken);
        Assert.Equal(base0 + 1000, duplicateStart);
        Assert.Equal(base0 + 1500, duplicateEnd);
    }

    [Fact]
    public void UnreadBytesTakeWindowSpaceUntilTheApplicationReads()
    {
        var buffer = new ReceiveBuffer(10_000);
        buffer.AddInOrder(6000);
        buffer.AddOutOfOrder(new SequenceNumber(9000), new SequenceNumber(10_000));
        Assert.Equal(3000, buffer.FreeSpace);

        Assert.Equal(6000, buffer.Read(100_000));
        Assert.Equal(9000, buffer.FreeSpace);
    }

    [Fact]
    public void AckingRemovesWholeSegmentsAndTrimsAPartlyAckedOne()
    {
        var queue = new RetransmissionQueue();
        var start = new SequenceNumber(0xFFFF_F000);
        for (var i = 0; i < 3; i++)
        {
            queue.Append(new SentSegment
            {
                Start = start + (i * 1000),
                SequenceLength = 1000,
                PayloadLength = 1000,
                StreamOffset = i * 1000,
                FirstSent = SimTime.FromMilliseconds(i),
            });
        }

        var acked = queue.RemoveAcked(start + 1500);

        Assert.Equal(1, acked.Packets);
        Assert.Equal(SimTime.Zero, acked.OldestFirstSent);
        Assert.Equal(2, queue.Count);
        Assert.Equal(start + 1500, queue[0].Start);
        Assert.Equal(500, queue[0].PayloadLength);
        Assert.Equal(1500, queue[0].StreamOffset);
    }

    [Fact]
    public void AcknowledgedRetransmissionsGiveNoRttSampleKarnsRule()
    {
        var queue = new RetransmissionQueue();
        queue.Append(new SentSegment { Start = new SequenceNumber(0), SequenceLength = 100, PayloadLength = 100 });
        queue.Append(new SentSegment { Start = new SequenceNumber(100), SequenceLength = 100, PayloadLength = 100 });
        queue.MarkHeadLost();
        queue.MarkRetransmitted(queue.FirstLostNotRetransmitted());
        Assert.Equal(1, queue.LostOut);
        Assert.Equal(1, queue.RetransOut);

        var acked = queue.RemoveAcked(new SequenceNumber(200));

        Assert.True(acked.RetransmittedDataAcked);
        Assert.Equal(0, queue.LostOut);
        Assert.Equal(0, queue.RetransOut);
    }
    [Fact]
    public void CuttingASegmentKeepsItsBitsAndCountsTheNewPartLikeTcpFragment()
    {
        var queue = Sent(3, 1448);
        queue[2].Psh = true;
        queue[2].Fin = true;
        queue[2].SequenceLength++;

        queue.MarkLostAfterTimeout(0, SimTime.FromSeconds(1));
        queue.MarkRetransmitted(0);
        Assert.Equal((3, 3, 1), (queue.Count, queue.LostOut, queue.RetransOut));

        queue.Split(0, 1436);
        queue.Split(3, 1436);

        Assert.Equal((5, 5, 2), (queue.Count, queue.LostOut, queue.RetransOut));
        Assert.Equal([0u, 1436u, 1448u, 2896u, 4332u], Enumerable.Range(0, 5).Select(i => queue[i].Start.Value));
        Assert.Equal([1436, 12, 1448, 1436, 12], Enumerable.Range(0, 5).Select(i => queue[i].PayloadLength));
        Assert.Equal([1436L, 1448, 2896, 4332], Enumerable.Range(1, 4).Select(i => queue[i].StreamOffset));
        Assert.Equal(queue[4].Start + 13, queue[4].End);
        Assert.True(queue[4].Fin && queue[4].Psh);
        Assert.False(queue[3].Fin || queue[3].Psh);
        Assert.True(queue[1].Retransmitted && queue[1].Lost && queue[1].EverRetransmitted);
        Assert.Equal(SimTime.FromMilliseconds(2), queue[4].FirstSent);

        // The next lost segment not yet retransmitted is the cut-off rest of the first.
        Assert.Equal(2, queue.FirstLostNotRetransmitted());
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Split(1, 12));

        var acked = queue.RemoveAcked(new SequenceNumber(4345));
        Assert.Equal(5, acked.Packets);
        Assert.Equal((0, 0, 0), (queue.Count, queue.LostOut, queue.RetransOut));
    }

    [Fact]
    public void MergingTheNextSegmentTakesItsRangeFlagsAndCountsLikeTcpCollapseRetrans()
    {
        var queue = Sent(4, 100);
        for (var i = 0; i < 4; i++)
        {
            queue[i].Psh = true;
        }

        queue.MarkLostAfterTimeout(0, SimTime.FromSeconds(1));
        queue.MarkProbed(2, SimTime.FromSeconds(1));
        Assert.Equal((4, 4), (queue.Count, queue.LostOut));

        queue.MergeNext(0);
        queue.MergeNext(0);

        Assert.Equal((2, 2), (queue.Count, queue.LostOut));
        Assert.Equal((0u, 300, 300), (queue[0].Start.Value, queue[0].PayloadLength, queue[0].SequenceLength));
        Assert.True(queue[0].Psh && queue[0].EverRetransmitted);
        Assert.Equal(SimTime.Zero, queue[0].FirstSent);
        Assert.Equal((300u, 300L), (queue[1].Start.Value, queue[1].StreamOffset));
        Assert.Equal(0, queue.FirstLostNotRetransmitted());
        Assert.Equal(2, queue.RemoveAcked(new SequenceNumber(400)).Packets);
        Assert.Equal((0, 0), (queue.Count, queue.LostOut));
    }

    /// <summary>A queue of <paramref name="count"/> segments of <paramref name="length"/> bytes from sequence 0, the i-th sent at i ms.</summary>
    private static RetransmissionQueue Sent(int count, int length)
    {
        var queue = new RetransmissionQueue();
        for (var i = 0; i < count; i++)
        {
            queue.Append(new SentSegment
            {
                Start = new SequenceNumber((uint)(i * length)),
                SequenceLength = length,
                PayloadLength = length,
                StreamOffset = i * length,
                FirstSent = SimTime.FromMilliseconds(i),
            });
        }

        return queue;
    }
}
