using FsCheck;
using FsCheck.Xunit;
using NetSim.Tcp.Buffers;

namespace NetSim.Tcp.Tests;

/// <summary>The write queue's skbs as tcp_sendmsg_locked() cuts them, and the PSH marks they carry.</summary>
public class WriteQueueTests
{
    private const int SizeGoal = 4000;

    [Fact]
    public void AWriteFillsTheTailSkbToTheSizeGoalAndPushesItsLastSkb()
    {
        var queue = new WriteQueue();
        Copy(queue, written: 0, bytes: 10_000, sendHead: 0);
        queue.MarkTailPush(10_000);

        Assert.Equal(4000, queue.HeadEnd(0));
        Assert.False(queue.HeadIsTail(0));
        Assert.False(queue.PushedAt(4000));
        Assert.False(queue.PushedAt(8000));
        Assert.True(queue.PushedAt(10_000));
        Assert.False(queue.PushedAt(9000), "PSH belongs to the segment that ends the skb");
    }

    [Fact]
    public void TheNextWriteGrowsThePushedTailAndMovesItsPush()
    {
        var queue = new WriteQueue();
        Copy(queue, written: 0, bytes: 1000, sendHead: 0);
        queue.MarkTailPush(1000);

        Assert.Equal(3000, queue.TailRoom(0, SizeGoal));
        queue.ClearTailPush();
        queue.ExtendTail(3000);
        queue.MarkTailPush(3000);

        Assert.Equal(3000, queue.HeadEnd(0));
        Assert.False(queue.PushedAt(1000));
        Assert.True(queue.PushedAt(3000));
    }

    [Fact]
    public void ASentSkbLeavesAndAPartlySentOneKeepsItsEnd()
    {
        var queue = new WriteQueue();
        Copy(queue, written: 0, bytes: 8000, sendHead: 0);

        Assert.Equal(4000, queue.HeadEnd(1000));
        Assert.Equal(0, queue.TailRoom(1000, SizeGoal));
        Assert.Equal(8000, queue.HeadEnd(4000));
        Assert.True(queue.HeadIsTail(4000));
    }

    [Fact]
    public void PushIsForcedOnceHalfThePeersLargestWindowIsWrittenSinceTheLast()
    {
        var queue = new WriteQueue();
        Copy(queue, written: 0, bytes: 1000, sendHead: 0);
        queue.MarkTailPush(1000);

        Assert.False(queue.ForcedPush(17_000, maxWindow: 32_000));
        Assert.True(queue.ForcedPush(17_001, maxWindow: 32_000));
    }

    [Fact]
    public void AWindowProbeIsCutFromTheHeadSkbAndBothPartsCarryPsh()
    {
        var queue = new WriteQueue();
        Copy(queue, written: 0, bytes: 4000, sendHead: 0);

        queue.PushProbe(sendHead: 0, probeEnd: 1000);

        Assert.Equal(1000, queue.HeadEnd(0));
        Assert.True(queue.PushedAt(1000));
        Assert.True(queue.PushedAt(4000));
        Assert.Equal(4000, queue.HeadEnd(1000));
    }

    [Fact]
    public void AnEndOfRecordTakesNoMoreBytes()
    {
        var queue = new WriteQueue();
        Copy(queue, written: 0, bytes: 1000, sendHead: 0);
        queue.MarkTailEor();

        Assert.Equal(0, queue.TailRoom(0, SizeGoal));
        Copy(queue, written: 1000, bytes: 500, sendHead: 0);
        Assert.Equal(1000, queue.HeadEnd(0));
        Assert.Equal(1500, queue.HeadEnd(1000));
    }

    /// <summary>Whatever the writes and however far sending has gone, skbs end in order past the send head and none holds more than the size goal.</summary>
    [Property]
    public bool SkbsStayOrderedAndWithinTheSizeGoal(PositiveInt[] writes, byte sendShare)
    {
        var queue = new WriteQueue();
        long written = 0;
        long sendHead = 0;
        var ok = true;
        foreach (var write in writes.Select(w => Math.Min(w.Get, 50_000)))
        {
            Copy(queue, written, write, sendHead);
            written += write;
            queue.MarkTailPush(written);
            sendHead += (written - sendHead) * sendShare / 255;
            var start = sendHead;
            while (start < written)
            {
                var end = queue.HeadEnd(start);
                ok &= end > start && end - start <= SizeGoal && end <= written;
                start = end;
            }

            ok &= queue.PushedAt(written);
        }

        return ok;
    }

    /// <summary>tcp_sendmsg_locked()'s copy loop without the sends: fill the tail, then new skbs.</summary>
    private static void Copy(WriteQueue queue, long written, long bytes, long sendHead)
    {
        var first = true;
        while (bytes > 0)
        {
            var copy = queue.TailRoom(sendHead, SizeGoal);
            if (copy <= 0)
            {
                queue.Entail(written);
                copy = SizeGoal;
            }

            copy = Math.Min(copy, bytes);
            if (first)
            {
                queue.ClearTailPush();
                first = false;
            }

            written += copy;
            queue.ExtendTail(written);
            bytes -= copy;
        }
    }
}
