using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// Sent, unacknowledged segments in sequence order, in a ring that grows to the peak window and
/// then allocates nothing. Keeps Linux's scoreboard counters: packets_out, sacked_out, lost_out,
/// retrans_out.
/// </summary>
public sealed partial class RetransmissionQueue
{
    /// <summary>
    /// The ring, doubled as the window grows. It starts at 16 entries, room for the SYN and an
    /// initial window of 10: a connection that only receives never grows it, and 10,000 of them
    /// hold 1.4 KB each rather than 5.6 KB.
    /// </summary>
    private SentSegment[] _ring = new SentSegment[16];
    private int _head;

    /// <summary>No segment before this index is lost and waiting for retransmission (Linux's retransmit_skb_hint).</summary>
    private int _retransmitHint;

    /// <summary>
    /// Where the last loss-marking walk stopped and how many SACKed segments lie before it (Linux's
    /// lost_skb_hint and lost_cnt_hint): every segment before it is SACKed or lost already.
    /// </summary>
    private int _lostHint;
    private int _lostHintSacked;

    /// <summary>Segments sent and not cumulatively acknowledged (tp->packets_out).</summary>
    public int Count { get; private set; }

    /// <summary>Segments that end a packet (<see cref="SentSegment.EndsPacket"/>).</summary>
    private int _packetEnds;

    /// <summary>The skbs the queue holds: a packet each, the last one counted while it is still being sent.</summary>
    public int Packets => _packetEnds + (Count > 0 && !this[Count - 1].EndsPacket ? 1 : 0);

    /// <summary>Segments the peer has selectively acknowledged (tp->sacked_out with SACK in use).</summary>
    public int SackedOut { get; private set; }

    /// <summary>Payload bytes of the segments the peer has selectively acknowledged.</summary>
    public long SackedBytes { get; private set; }

    /// <summary>Segments marked lost (tp->lost_out).</summary>
    public int LostOut { get; private set; }

    /// <summary>Segments ever marked lost, a retransmission marked lost again included (tp->lost, tcp_sum_lost()).</summary>
    public long TotalLost { get; private set; }

    /// <summary>Told of each segment newly SACKed or cumulatively acknowledged, for delivery-rate samples (tcp_rate_skb_delivered()).</summary>
    public Congestion.DeliveryRateEstimator? Rate { get; set; }

    /// <summary>Told of each segment marked lost, after <see cref="TotalLost"/> counts it (skb_marked_lost).</summary>
    public ILostSegmentObserver? LossObserver { get; set; }

    /// <summary>Lost segments retransmitted and not yet acknowledged (tp->retrans_out).</summary>
    public int RetransOut { get; private set; }

    public ref SentSegment this[int index] => ref _ring[(_head + index) & (_ring.Length - 1)];

    public void Append(in SentSegment segment)
    {
        if (Count == _ring.Length)
        {
            Grow();
        }

        ref var slot = ref _ring[(_head + Count) & (_ring.Length - 1)];
        slot = segment;
        _packetEnds += segment.EndsPacket ? 1 : 0;
        if (slot.LastSent == default)
        {
            slot.LastSent = slot.FirstSent;
        }

        Count++;
    }

    /// <summary>Removes what <paramref name="ack"/> covers; a segment it covers in part is trimmed (Linux tcp_trim_head()).</summary>
    public AckedSegments RemoveAcked(SequenceNumber ack, SimTime now = default, long minRttUs = 0)
    {
        var packets = 0;
        var sacked = 0;
        var retransmittedAcked = false;
        var oldestFirstSent = SimTime.Never;
        var newestFirstSent = SimTime.Never;
        var rack = RackSample.None;
        SequenceNumber? lowestOriginal = null;
        var trimmedHead = false;
        while (Count > 0)
        {
            ref var head = ref this[0];
            if (head.End <= ack)
            {
                retransmittedAcked |= head.EverRetransmitted;
                sacked += head.Sacked ? 1 : 0;
                if (!head.Sacked)
                {
                    rack = rack.Advance(head, now, minRttUs);
                }

                if (!head.EverRetransmitted && !head.Sacked)
                {
                    lowestOriginal ??= head.Start;
                    if (oldestFirstSent == SimTime.Never)
                    {
                        oldestFirstSent = head.FirstSent;
                    }

                    newestFirstSent = head.FirstSent;
                }

                if (_lostHint > 0)
                {
                    _lostHint--;
                    _lostHintSacked -= head.Sacked ? 1 : 0;
                }

                Rate?.SkbDelivered(ref head);

                Unmark(ref head);
                _packetEnds -= head.EndsPacket ? 1 : 0;
                head = default;
                _head = (_head + 1) & (_ring.Length - 1);
                Count--;
                packets++;
                _retransmitHint = Math.Max(0, _retransmitHint - 1);
                continue;
            }

            if (head.Start < ack)
            {
                var trimmed = ack - head.Start;
                if (head.Syn)
                {
                    head.Syn = false;
                    trimmed--;
                    head.SequenceLength--;
                    head.Start += 1;
                }

                head.Start += trimmed;
                head.SequenceLength -= trimmed;
                head.PayloadLength -= trimmed;
                SackedBytes -= head.Sacked ? trimmed : 0;
                head.StreamOffset += trimmed;
                trimmedHead = true;
            }

            break;
        }

        return new AckedSegments(packets, sacked, retransmittedAcked, oldestFirstSent, newestFirstSent, rack, lowestOriginal, trimmedHead);
    }

    /// <summary>
    /// Linux tcp_sacktag_walk() and tcp_sacktag_one(): every segment wholly inside [start, end) and
    /// not yet SACKed becomes SACKed, leaving lost_out and retrans_out. Only the segments that reach
    /// into [from, to) are walked: the rest of the block was tagged by an earlier ACK (Linux's
    /// recv_sack_cache). Returns how many were newly SACKed, the send times of the first and last
    /// of them never retransmitted (first_sackt and last_sackt, for the RTT samples), the end of the
    /// last segment the block covers, and, with <paramref name="now"/> and
    /// <paramref name="minRttUs"/>, the RACK sample.
    /// </summary>
    public SackTagging MarkSacked(SequenceNumber start, SequenceNumber end, SequenceNumber from, SequenceNumber to, SimTime now, long minRttUs)
    {
        var rack = RackSample.None;
        SequenceNumber? lowestOriginal = null;
        var newly = 0;
        var firstSent = SimTime.Never;
        var lastSent = SimTime.Never;
        var highest = start;
        var highestStart = start;
        for (var i = IndexAtOrAfter(from); i < Count; i++)
        {
            ref var segment = ref this[i];
            if (segment.Start >= to || segment.End > end)
            {
                break;
            }

            if (segment.Start < start)
            {
                continue;
            }

            highest = segment.End;
            highestStart = segment.Start;
            if (segment.Sacked)
            {
                continue;
            }

            if (!segment.EverRetransmitted)
            {
                if (firstSent == SimTime.Never)
                {
                    firstSent = segment.FirstSent;
                    lowestOriginal = segment.Start;
                }

                lastSent = segment.FirstSent;
            }

            rack = rack.Advance(segment, now, minRttUs);
            Rate?.SkbDelivered(ref segment);

            Unmark(ref segment);
            segment.Lost = false;
            segment.Retransmitted = false;
            segment.Sacked = true;
            SackedOut++;
            SackedBytes += segment.PayloadLength;
            newly++;
            if (i < _lostHint)
            {
                _lostHint = 0;
                _lostHintSacked = 0;
            }
        }

        return new SackTagging(newly, firstSent, lastSent, highest, highestStart, lowestOriginal, rack);
    }

    /// <summary>
    /// Linux tcp_mark_head_lost(): walking from the head up to <paramref name="highSeq"/>, marks
    /// lost every segment not SACKed until more than <paramref name="sackedAllowed"/> SACKed ones
    /// have been passed; with <paramref name="headOnly"/> only the first segment. Returns how many
    /// were newly marked.
    /// </summary>
    public int MarkHeadLost(int sackedAllowed, SequenceNumber highSeq, bool headOnly)
    {
        var marked = 0;
        var start = headOnly || _lostHintSacked > sackedAllowed ? 0 : _lostHint;
        var sacked = start == 0 ? 0 : _lostHintSacked;
        for (var i = start; i < Count; i++)
        {
            ref var segment = ref this[i];
            if (segment.End > highSeq)
            {
                break;
            }

            if (!headOnly)
            {
                _lostHint = i;
                _lostHintSacked = sacked;
            }

            if (segment.Sacked && ++sacked > sackedAllowed)
            {
                break;
            }

            if (!segment.Lost && !segment.Sacked)
            {
                segment.Lost = true;
                LostOut++;
                _retransmitHint = Math.Min(_retransmitHint, i);
                CountLost(segment);
                marked++;
            }

            if (headOnly)
            {
                break;
            }
        }

        return marked;
    }

    /// <summary>
    /// Linux tcp_rack_detect_loss() (RFC 8985 §6.2): every segment not SACKed, and not already lost
    /// and waiting, that was sent before the most recently delivered one (<paramref name="rack"/>)
    /// and more than <paramref name="window"/> (RACK.rtt + reordering window) ago is lost; a lost
    /// retransmission leaves retrans_out. Returns how many were marked and the longest time left
    /// for one not yet due. Segments never retransmitted are in sending order, so the walk stops
    /// at the first sent after RACK's unless retransmissions are out.
    /// </summary>
    public (int Marked, long WaitNs) DetectLoss(RackSample rack, long windowNs, SimTime now)
    {
        var marked = 0;
        var wait = 0L;
        for (var i = 0; i < Count; i++)
        {
            ref var segment = ref this[i];
            if (segment.Sacked || (segment.Lost && !segment.Retransmitted))
            {
                continue;
            }

            if (!RackSample.SentAfter(rack.Sent, segment.LastSent, rack.End, segment.End))
            {
                if (RetransOut == 0 && !segment.Retransmitted)
                {
                    break;
                }

                continue;
            }

            var remaining = windowNs - (now - segment.LastSent).Nanoseconds;
            if (remaining > 0)
            {
                wait = Math.Max(wait, remaining);
                continue;
            }

            MarkLost(ref segment, i);
            marked++;
        }

        return (marked, wait);
    }

    /// <summary>
    /// Linux tcp_timeout_mark_lost(): after an RTO the head and every segment not SACKed are lost,
    /// and no retransmission is in flight, except for segments sent less than
    /// <paramref name="recentNs"/> ago, which RACK still gives time (0 without RACK).
    /// </summary>
    public void MarkLostAfterTimeout(long recentNs, SimTime now)
    {
        for (var i = 0; i < Count; i++)
        {
            ref var segment = ref this[i];
            if (segment.Sacked || (i > 0 && (now - segment.LastSent).Nanoseconds < recentNs))
            {
                continue;
            }

            MarkLost(ref segment, i);
        }

        _retransmitHint = 0;
        _lostHint = 0;
        _lostHintSacked = 0;
    }

    /// <summary>Linux tcp_mark_skb_lost(): lost, and a retransmission of it no longer counts as in flight.</summary>
    private void MarkLost(ref SentSegment segment, int index)
    {
        var counted = !segment.Lost || segment.Retransmitted;
        if (segment.Retransmitted)
        {
            segment.Retransmitted = false;
            RetransOut--;
        }

        if (!segment.Lost)
        {
            segment.Lost = true;
            LostOut++;
        }

        _retransmitHint = Math.Min(_retransmitHint, index);
        if (counted)
        {
            CountLost(segment);
        }
    }

    /// <summary>tcp_notify_skb_loss_event(): tp->lost counts the segment, then the congestion control hears of it.</summary>
    private void CountLost(in SentSegment segment)
    {
        TotalLost++;
        LossObserver?.SegmentMarkedLost(segment);
    }

    /// <summary>The first segment whose end lies after <paramref name="seq"/> (binary search: the queue is in sequence order).</summary>
    private int IndexAtOrAfter(SequenceNumber seq)
    {
        var low = 0;
        var high = Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (this[mid].End <= seq)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>Marks the first segment not yet lost as lost (Linux tcp_mark_head_lost() for one packet).</summary>
    public void MarkHeadLost()
    {
        for (var i = 0; i < Count; i++)
        {
            ref var segment = ref this[i];
            if (!segment.Lost)
            {
                segment.Lost = true;
                LostOut++;
                _retransmitHint = Math.Min(_retransmitHint, i);
                CountLost(segment);
                return;
            }

            if (!segment.Retransmitted)
            {
                return;
            }
        }
    }

    /// <summary>tcp_undo_cwnd_reduction() with unmark_loss: no segment is lost any more (retransmissions stay out).</summary>
    public void UnmarkLost()
    {
        for (var i = 0; i < Count; i++)
        {
            this[i].Lost = false;
        }

        LostOut = 0;
        _retransmitHint = 0;
        _lostHint = 0;
        _lostHintSacked = 0;
    }

    /// <summary>Index of the first segment marked lost and not yet retransmitted, or -1.</summary>
    public int FirstLostNotRetransmitted()
    {
        if (LostOut == RetransOut)
        {
            return -1;
        }

        for (var i = _retransmitHint; i < Count; i++)
        {
            ref var segment = ref this[i];
            if (segment.Lost && !segment.Retransmitted)
            {
                _retransmitHint = i;
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// How many segments from <paramref name="index"/>, at most <paramref name="max"/>, go again as
    /// one packet (tcp_xmit_retransmit_queue()): lost, not yet retransmitted and contiguous, within
    /// the packet the first was last sent in, since Linux retransmits one skb at a time.
    /// </summary>
    public int LostRun(int index, int max)
    {
        var run = 0;
        while (run < max && index + run < Count)
        {
            ref var segment = ref this[index + run];
            if (!segment.Lost || segment.Retransmitted)
            {
                break;
            }

            run++;
            if (segment.EndsPacket || (index + run < Count && this[index + run].Start != segment.End))
            {
                break;
            }
        }

        return run;
    }

    public void MarkRetransmitted(int index, SimTime now = default)
    {
        ref var segment = ref this[index];
        segment.LastSent = now == default ? segment.LastSent : now;
        segment.Retransmitted = true;
        segment.EverRetransmitted = true;
        RetransOut++;
    }

    /// <summary>
    /// A retransmission of the segment was tried and refused by the host's qdisc: as
    /// __tcp_retransmit_skb() marks it regardless (TCPCB_EVER_RETRANS), its ACK gives no RTT sample.
    /// </summary>
    public void MarkRetransmissionTried(int index) => this[index].EverRetransmitted = true;

    /// <summary>A loss probe resent the segment: it is retransmitted for Karn's rule and RACK, but not counted in retrans_out.</summary>
    public void MarkProbed(int index, SimTime now)
    {
        ref var segment = ref this[index];
        segment.LastSent = now;
        segment.EverRetransmitted = true;
    }

    private void Unmark(ref SentSegment segment)
    {
        if (segment.Sacked)
        {
            SackedOut--;
            SackedBytes -= segment.PayloadLength;
        }

        if (segment.Lost)
        {
            LostOut--;
        }

        if (segment.Retransmitted)
        {
            RetransOut--;
        }
    }

    private void Grow()
    {
        var larger = new SentSegment[_ring.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            larger[i] = this[i];
        }

        _ring = larger;
        _head = 0;
    }
}
