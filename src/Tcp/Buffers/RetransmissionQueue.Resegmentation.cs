namespace NetSim.Tcp.Buffers;

/// <summary>
/// Reshaping the queue's segments: one cut in two where a retransmission or a smaller MSS needs
/// it (tcp_fragment()), two made one where Linux collapses them (tcp_retrans_try_collapse()), and
/// where the TSO packets they were sent in end.
/// </summary>
public sealed partial class RetransmissionQueue
{
    /// <summary>
    /// tcp_simple_retransmit()'s marking after the MSS shrank to <paramref name="mss"/>: a packet
    /// (a TSO skb: the segments up to one that ends a packet) whose segments are longer is lost as
    /// a whole, its unSACKed segments joined and cut again at the new MSS, as
    /// __tcp_retransmit_skb() resegments the skb (tcp_set_skb_tso_segs()). The loss-marking walk
    /// starts over (tcp_clear_retrans_hints_partial()).
    /// </summary>
    public void ResegmentLongerThan(int mss)
    {
        for (var i = 0; i < Count; i++)
        {
            if (this[i].Sacked || this[i].PayloadLength <= mss)
            {
                continue;
            }

            while (!this[i].EndsPacket && i + 1 < Count && !this[i + 1].Sacked)
            {
                MergeNext(i);
            }

            MarkLost(ref this[i], i);
            while (this[i].PayloadLength > mss)
            {
                Split(i, mss);
                i++;
            }
        }

        _lostHint = 0;
        _lostHintSacked = 0;
    }

    /// <summary>Where a packet ends, as a retransmission groups the segments again.</summary>
    public void SetEndsPacket(int index, bool endsPacket)
    {
        ref var segment = ref this[index];
        _packetEnds += (endsPacket ? 1 : 0) - (segment.EndsPacket ? 1 : 0);
        segment.EndsPacket = endsPacket;
    }

    /// <summary>
    /// Linux tcp_fragment() on the retransmission queue: cuts the segment at <paramref name="index"/>
    /// after <paramref name="firstPayload"/> bytes into two queue entries. Both keep the scoreboard
    /// bits and the send record (TCP_SKB_CB(buff)->sacked and ->tx are copied); FIN and PSH move to
    /// the second, the SYN stays with the first. packets_out, and lost_out, retrans_out and
    /// sacked_out where the bits are set, grow by one as tcp_adjust_pcount() makes them.
    /// </summary>
    public void Split(int index, int firstPayload)
    {
        ref var original = ref this[index];
        if (firstPayload <= 0 || firstPayload >= original.PayloadLength)
        {
            throw new ArgumentOutOfRangeException(nameof(firstPayload), $"a {original.PayloadLength}-byte segment cannot be cut after {firstPayload} bytes");
        }

        if (Count == _ring.Length)
        {
            Grow();
        }

        for (var i = Count; i > index + 1; i--)
        {
            this[i] = this[i - 1];
        }

        ref var first = ref this[index];
        var second = first;
        var synLength = first.Syn ? 1 : 0;
        second.Syn = false;
        second.Start = first.Start + (synLength + firstPayload);
        second.PayloadLength = first.PayloadLength - firstPayload;
        second.SequenceLength = first.SequenceLength - synLength - firstPayload;
        second.StreamOffset = first.StreamOffset + firstPayload;
        first.PayloadLength = firstPayload;
        first.SequenceLength = synLength + firstPayload;
        first.Fin = false;
        first.Psh = false;
        first.Eor = false;
        first.EndsPacket = false;
        this[index + 1] = second;
        Count++;

        SackedOut += second.Sacked ? 1 : 0;
        LostOut += second.Lost ? 1 : 0;
        RetransOut += second.Retransmitted ? 1 : 0;
        if (_retransmitHint > index)
        {
            _retransmitHint++;
        }

        if (_lostHint > index)
        {
            _lostHint++;
            _lostHintSacked += second.Sacked ? 1 : 0;
        }
    }

    /// <summary>
    /// Linux tcp_collapse_retrans(): the segment after <paramref name="index"/> joins it, bringing
    /// its sequence range, PSH, FIN and end of record, and its ever-retransmitted mark; its own
    /// lost or retransmitted count goes (tcp_adjust_pcount()). The loss-marking walk starts over
    /// (tcp_clear_retrans_hints_partial()).
    /// </summary>
    public void MergeNext(int index)
    {
        ref var to = ref this[index];
        ref var next = ref this[index + 1];
        to.PayloadLength += next.PayloadLength;
        to.SequenceLength += next.SequenceLength;
        to.Fin |= next.Fin;
        to.Psh |= next.Psh;
        to.Eor = next.Eor;
        _packetEnds -= to.EndsPacket ? 1 : 0;
        to.EndsPacket = next.EndsPacket;
        to.EverRetransmitted |= next.EverRetransmitted;
        Unmark(ref next);
        for (var i = index + 1; i < Count - 1; i++)
        {
            this[i] = this[i + 1];
        }

        this[Count - 1] = default;
        Count--;
        _lostHint = 0;
        _lostHintSacked = 0;
        if (_retransmitHint > index)
        {
            _retransmitHint--;
        }
    }
}
