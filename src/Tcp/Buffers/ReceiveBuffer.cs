namespace NetSim.Tcp.Buffers;

/// <summary>
/// The receive buffer (RFC 9293 §3.8.6): in-order bytes the application has not read yet, and the
/// out-of-order store (Linux's out_of_order_queue, §3.10.7.4) of disjoint sequence ranges above
/// rcv_nxt, merged as they arrive and handed over once rcv_nxt reaches them.
/// </summary>
public sealed class ReceiveBuffer(int capacity)
{
    private readonly SequenceRanges _ranges = new();

    /// <summary>Payload bytes the buffer holds; SO_RCVBUF may change it.</summary>
    public int Capacity { get; set; } = capacity;

    public int OutOfOrderBytes { get; private set; }

    /// <summary>In-order bytes waiting for the application to read them.</summary>
    public long Unread { get; private set; }

    public bool HasOutOfOrder => _ranges.Count > 0;

    /// <summary>The end of the highest out-of-order range held (Linux's ooo_last_skb end_seq); only with <see cref="HasOutOfOrder"/>.</summary>
    public SequenceNumber OutOfOrderEnd => _ranges[_ranges.Count - 1].End;

    /// <summary>Space left for data, in bytes.</summary>
    public int FreeSpace => (int)Math.Max(0, Capacity - OutOfOrderBytes - Unread);

    public void AddInOrder(int bytes) => Unread += bytes;

    /// <summary>The application reads up to <paramref name="max"/> bytes; returns how many it got.</summary>
    public long Read(long max)
    {
        var taken = Math.Min(max, Unread);
        Unread -= taken;
        return taken;
    }

    /// <summary>
    /// Stores [start, end). Returns the part already held, from its first to its last byte (empty
    /// when none was), which the receiver reports as a D-SACK (RFC 2883 §4.1.3).
    /// </summary>
    public (SequenceNumber Start, SequenceNumber End) AddOutOfOrder(SequenceNumber start, SequenceNumber end)
    {
        var duplicateStart = end;
        var duplicateEnd = start;
        var i = _ranges.FirstEndingAtOrAfter(start);
        var newStart = start;
        var newEnd = end;
        var removed = 0;
        var merged = 0;
        while (i + merged < _ranges.Count && _ranges[i + merged].Start <= end)
        {
            var (s, e) = _ranges[i + merged];
            if (s < end && e > start)
            {
                duplicateStart = SequenceNumber.Min(duplicateStart, SequenceNumber.Max(s, start));
                duplicateEnd = SequenceNumber.Max(duplicateEnd, SequenceNumber.Min(e, end));
            }

            newStart = SequenceNumber.Min(newStart, s);
            newEnd = SequenceNumber.Max(newEnd, e);
            removed += e - s;
            merged++;
        }

        _ranges.Replace(i, merged, (newStart, newEnd));
        OutOfOrderBytes += (newEnd - newStart) - removed;
        return duplicateEnd > duplicateStart ? (duplicateStart, duplicateEnd) : (start, start);
    }

    /// <summary>
    /// Removes and returns the bytes that are now in order at <paramref name="rcvNxt"/>, and the
    /// part of the first held range the in-order data had already brought: the D-SACK block Linux
    /// tcp_ofo_queue() reports (empty when nothing was held twice).
    /// </summary>
    public (int Taken, SequenceNumber DuplicateStart, SequenceNumber DuplicateEnd) TakeInOrder(SequenceNumber rcvNxt)
    {
        var taken = 0;
        var duplicateStart = rcvNxt;
        var duplicateEnd = rcvNxt;
        var first = true;
        while (_ranges.Count > 0 && _ranges[0].Start <= rcvNxt)
        {
            var (s, e) = _ranges[0];
            if (first && s < rcvNxt)
            {
                (duplicateStart, duplicateEnd) = (s, SequenceNumber.Min(e, rcvNxt));
            }

            first = false;
            _ranges.RemoveFirst();
            OutOfOrderBytes -= e - s;
            if (e > rcvNxt)
            {
                taken += e - rcvNxt;
                rcvNxt = e;
            }
        }

        return (taken, duplicateStart, duplicateEnd);
    }
}
