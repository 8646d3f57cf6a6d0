namespace NetSim.Tcp.Buffers;

/// <summary>
/// The receive side's out-of-order store (Linux's out_of_order_queue, RFC 9293 §3.10.7.4):
/// disjoint sequence ranges above rcv_nxt, merged as they arrive, handed over once rcv_nxt
/// reaches them. The sink reads in-order data at once, so only out-of-order bytes occupy it.
/// </summary>
public sealed class ReceiveBuffer(int capacity)
{
    private readonly List<(SequenceNumber Start, SequenceNumber End)> _ranges = [];

    public int Capacity { get; } = capacity;

    public int OutOfOrderBytes { get; private set; }

    public bool HasOutOfOrder => _ranges.Count > 0;

    /// <summary>Space left for data, in bytes.</summary>
    public int FreeSpace => Capacity - OutOfOrderBytes;

    /// <summary>Stores [start, end); returns false when every byte of it was already held.</summary>
    public bool AddOutOfOrder(SequenceNumber start, SequenceNumber end)
    {
        var i = 0;
        while (i < _ranges.Count && _ranges[i].End < start)
        {
            i++;
        }

        var newStart = start;
        var newEnd = end;
        var removed = 0;
        var covered = false;
        while (i < _ranges.Count && _ranges[i].Start <= end)
        {
            var (s, e) = _ranges[i];
            covered |= s <= start && e >= end;
            newStart = SequenceNumber.Min(newStart, s);
            newEnd = SequenceNumber.Max(newEnd, e);
            removed += e - s;
            _ranges.RemoveAt(i);
        }

        _ranges.Insert(i, (newStart, newEnd));
        OutOfOrderBytes += (newEnd - newStart) - removed;
        return !covered;
    }

    /// <summary>Removes and returns the bytes that are now in order at <paramref name="rcvNxt"/>.</summary>
    public int TakeInOrder(SequenceNumber rcvNxt)
    {
        var taken = 0;
        while (_ranges.Count > 0 && _ranges[0].Start <= rcvNxt)
        {
            var (s, e) = _ranges[0];
            _ranges.RemoveAt(0);
            OutOfOrderBytes -= e - s;
            if (e > rcvNxt)
            {
                taken += e - rcvNxt;
                rcvNxt = e;
            }
        }

        return taken;
    }
}
