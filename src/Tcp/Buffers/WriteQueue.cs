namespace NetSim.Tcp.Buffers;

/// <summary>
/// Linux sk_write_queue as tcp_sendmsg_locked() fills it: the data written and not yet sent, cut
/// into skbs of at most the size goal, each with the PSH mark tcp_mark_push() gave it. Only where
/// the skbs end is kept (stream offsets), since that is all transmission needs: tcp_write_xmit()
/// sends one skb, or the front of one, per TSO burst, so a burst never runs past an skb's end, and
/// a segment carries the skb's PSH only if it ends the skb (tso_fragment() leaves PSH on the rest).
/// A ring that grows to the most skbs ever queued, so writing and sending allocate nothing after.
/// TcpConnection.Segmentation.cs drives it as tcp_sendmsg_locked() does.
/// </summary>
public sealed class WriteQueue
{
    private Skb[] _skbs = new Skb[4];
    private int _head;
    private int _count;

    /// <summary>tp->pushed_seq as a stream offset: where the last push mark was made.</summary>
    private long _pushedEnd;

    /// <summary>
    /// What the unsent tail skb can still take before it holds <paramref name="sizeGoal"/> bytes;
    /// zero or less when it is full or the queue is empty, and tcp_sendmsg() starts a new skb.
    /// </summary>
    public long TailRoom(long sendHead, int sizeGoal)
    {
        DropSent(sendHead);
        return _count > 0 && !Tail.Eor ? sizeGoal - TailLength(sendHead) : 0;
    }

    /// <summary>send(MSG_EOR): the tail skb ends a record, and later bytes go in new skbs (tcp_skb_can_collapse_to()).</summary>
    public void MarkTailEor()
    {
        if (_count > 0)
        {
            Tail.Eor = true;
        }
    }

    /// <summary>tcp_skb_entail(): an empty skb joins the tail of the queue at stream offset <paramref name="start"/>.</summary>
    public void Entail(long start)
    {
        Grow();
        _skbs[(_head + _count) % _skbs.Length] = new Skb(start, false, false);
        _count++;
    }

    /// <summary>Bytes copied into the tail skb: it now ends at <paramref name="end"/>.</summary>
    public void ExtendTail(long end) => Tail.End = end;

    /// <summary>The first bytes a write copies clear the tail skb's PSH (tcp_sendmsg_locked()).</summary>
    public void ClearTailPush() => Tail.Push = false;

    /// <summary>
    /// forced_push(): more than half the peer's largest window has been written since the last push
    /// mark, <paramref name="written"/> being write_seq as a stream offset.
    /// </summary>
    public bool ForcedPush(long written, uint maxWindow) => written > _pushedEnd + (maxWindow >> 1);

    /// <summary>tcp_mark_push(): the tail skb carries PSH, and pushed_seq moves to <paramref name="written"/>.</summary>
    public void MarkTailPush(long written)
    {
        if (_count > 0)
        {
            Tail.Push = true;
            _pushedEnd = written;
        }
    }

    /// <summary>The skbs not yet sent in full, the send head's unsent rest among them.</summary>
    public int Skbs(long sendHead)
    {
        DropSent(sendHead);
        return _count;
    }

    /// <summary>The end of the skb at the send head, or <paramref name="sendHead"/> itself when nothing is queued.</summary>
    public long HeadEnd(long sendHead)
    {
        DropSent(sendHead);
        return _count > 0 ? _skbs[_head].End : sendHead;
    }

    /// <summary>The skb at the send head is the last one queued (tcp_write_queue_tail()).</summary>
    public bool HeadIsTail(long sendHead)
    {
        DropSent(sendHead);
        return _count <= 1;
    }

    /// <summary>A segment ending at <paramref name="end"/> ends an skb marked for push: it carries PSH.</summary>
    public bool PushedAt(long end)
    {
        var index = SkbEndingAt(end);
        return index >= 0 && _skbs[index].Push;
    }

    /// <summary>A segment ending at <paramref name="end"/> ends an skb marked end of record.</summary>
    public bool EorAt(long end)
    {
        var index = SkbEndingAt(end);
        return index >= 0 && _skbs[index].Eor;
    }

    /// <summary>
    /// The skbs from <paramref name="sendHead"/> that one segment ending at <paramref name="end"/>
    /// would take (tcp_mtu_probe()): whether one it takes whole was pushed (the segment carries
    /// its PSH), and whether one it goes past ends a record (tcp_can_coalesce_send_queue_head()
    /// then refuses to merge them).
    /// </summary>
    public (bool Pushed, bool RecordEnds) Spanned(long sendHead, long end)
    {
        DropSent(sendHead);
        var pushed = false;
        for (var i = 0; i < _count; i++)
        {
            ref var skb = ref _skbs[(_head + i) % _skbs.Length];
            if (skb.End >= end)
            {
                return (pushed || (skb.End == end && skb.Push), false);
            }

            if (skb.Eor)
            {
                return (pushed, true);
            }

            pushed |= skb.Push;
        }

        return (pushed, false);
    }

    /// <summary>
    /// tcp_write_wakeup(): a window probe ending at <paramref name="probeEnd"/> is cut from the head
    /// skb (tcp_fragment()), and both parts carry PSH; pushed_seq moves to the skb's end.
    /// </summary>
    public void PushProbe(long sendHead, long probeEnd)
    {
        DropSent(sendHead);
        if (_count == 0)
        {
            return;
        }

        ref var head = ref _skbs[_head];
        head.Push = true;
        _pushedEnd = Math.Max(_pushedEnd, head.End);
        if (head.End > probeEnd)
        {
            Grow();
            _head = (_head + _skbs.Length - 1) % _skbs.Length;
            _skbs[_head] = new Skb(probeEnd, true, false);
            _count++;
        }
    }

    /// <summary>The ring index of the queued skb that ends exactly at <paramref name="end"/>, or -1.</summary>
    private int SkbEndingAt(long end)
    {
        for (var i = 0; i < _count; i++)
        {
            var index = (_head + i) % _skbs.Length;
            if (_skbs[index].End >= end)
            {
                return _skbs[index].End == end ? index : -1;
            }
        }

        return -1;
    }

    private ref Skb Tail => ref _skbs[(_head + _count - 1) % _skbs.Length];

    private long TailLength(long sendHead)
    {
        var start = _count > 1 ? _skbs[(_head + _count - 2) % _skbs.Length].End : sendHead;
        return Tail.End - Math.Max(start, sendHead);
    }

    /// <summary>Makes room for one more skb.</summary>
    private void Grow()
    {
        if (_count < _skbs.Length)
        {
            return;
        }

        var grown = new Skb[_skbs.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _skbs[(_head + i) % _skbs.Length];
        }

        _skbs = grown;
        _head = 0;
    }

    /// <summary>Skbs sent in full leave the write queue (tcp_event_new_data_sent() moves them to the retransmission queue).</summary>
    private void DropSent(long sendHead)
    {
        while (_count > 0 && _skbs[_head].End <= sendHead)
        {
            _head = (_head + 1) % _skbs.Length;
            _count--;
        }
    }

    private record struct Skb(long End, bool Push, bool Eor);
}
