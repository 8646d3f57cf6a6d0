namespace NetSim.Sim.Kernel;

/// <summary>
/// The pending-event set: a binary min-heap of value-type entries keyed by (time, insertion
/// sequence), so that events at the same instant run in the order they were scheduled.
/// Once the backing array has grown to the peak load, scheduling and dispatch allocate nothing.
/// </summary>
public sealed class EventCalendar
{
    private struct Entry
    {
        public long Time;
        public long Sequence;
        public IEventHandler Handler;
        public long Token;
    }

    private Entry[] _heap = new Entry[256];
    private int _count;
    private long _nextSequence;

    public int Count => _count;

    public long NextTime => _count == 0 ? long.MaxValue : _heap[0].Time;

    public void Insert(long time, IEventHandler handler, long token)
    {
        if (_count == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        var entry = new Entry { Time = time, Sequence = _nextSequence++, Handler = handler, Token = token };
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Before(entry, _heap[parent]))
            {
                break;
            }

            _heap[i] = _heap[parent];
            i = parent;
        }

        _heap[i] = entry;
    }

    /// <summary>Removes the earliest entry. The caller checks <see cref="Count"/> first.</summary>
    public (long Time, IEventHandler Handler, long Token) RemoveFirst()
    {
        var first = _heap[0];
        var last = _heap[--_count];
        _heap[_count] = default;
        if (_count > 0)
        {
            SiftDown(last);
        }

        return (first.Time, first.Handler, first.Token);
    }

    private void SiftDown(Entry entry)
    {
        var i = 0;
        var half = _count >> 1;
        while (i < half)
        {
            var child = (i << 1) + 1;
            var right = child + 1;
            if (right < _count && Before(_heap[right], _heap[child]))
            {
                child = right;
            }

            if (!Before(_heap[child], entry))
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        _heap[i] = entry;
    }

    private static bool Before(in Entry a, in Entry b) =>
        a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);
}
