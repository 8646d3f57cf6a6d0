namespace NetSim.Sim.Kernel;

/// <summary>
/// The pending-event set: a 4-ary min-heap keyed by (time, insertion sequence), so that events at
/// the same instant run in the order they were scheduled. Heap entries hold no object references
/// (handlers and tokens live in slot arrays, slots are recycled), so sifting moves plain 24-byte
/// values without GC write barriers; four children per node halve the depth of a binary heap.
/// Once the arrays have grown to the peak load, scheduling and dispatch allocate nothing.
/// </summary>
public sealed class EventCalendar
{
    private const int Arity = 4;

    private struct Entry
    {
        public long Time;
        public long Sequence;
        public int Slot;
    }

    private Entry[] _heap = new Entry[256];
    private IEventHandler?[] _handlers = new IEventHandler?[256];
    private long[] _tokens = new long[256];
    private int[] _freeSlots = new int[256];
    private int _freeCount;
    private int _slotsUsed;
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

        var slot = AllocateSlot();
        _handlers[slot] = handler;
        _tokens[slot] = token;

        var entry = new Entry { Time = time, Sequence = _nextSequence++, Slot = slot };
        var heap = _heap;
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) / Arity;
            if (!Before(entry, heap[parent]))
            {
                break;
            }

            heap[i] = heap[parent];
            i = parent;
        }

        heap[i] = entry;
    }

    /// <summary>Removes the earliest entry. The caller checks <see cref="Count"/> first.</summary>
    public (long Time, IEventHandler Handler, long Token) RemoveFirst()
    {
        var first = _heap[0];
        var last = _heap[--_count];
        if (_count > 0)
        {
            SiftDown(last);
        }

        var handler = _handlers[first.Slot]!;
        var token = _tokens[first.Slot];
        _handlers[first.Slot] = null;
        _freeSlots[_freeCount++] = first.Slot;
        return (first.Time, handler, token);
    }

    private int AllocateSlot()
    {
        if (_freeCount > 0)
        {
            return _freeSlots[--_freeCount];
        }

        if (_slotsUsed == _handlers.Length)
        {
            Array.Resize(ref _handlers, _handlers.Length * 2);
            Array.Resize(ref _tokens, _tokens.Length * 2);
            Array.Resize(ref _freeSlots, _freeSlots.Length * 2);
        }

        return _slotsUsed++;
    }

    private void SiftDown(Entry entry)
    {
        var heap = _heap;
        var count = _count;
        var i = 0;
        while (true)
        {
            var first = (i * Arity) + 1;
            if (first >= count)
            {
                break;
            }

            var best = first;
            var end = Math.Min(first + Arity, count);
            for (var child = first + 1; child < end; child++)
            {
                best = Before(heap[child], heap[best]) ? child : best;
            }

            if (!Before(heap[best], entry))
            {
                break;
            }

            heap[i] = heap[best];
            i = best;
        }

        heap[i] = entry;
    }

    /// <summary>(time, sequence) order, without short-circuit branches: which child is earliest is a coin toss the CPU cannot predict.</summary>
    private static bool Before(in Entry a, in Entry b) =>
        (a.Time < b.Time) | ((a.Time == b.Time) & (a.Sequence < b.Sequence));
}
