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
}
