namespace NetSim.Tcp.Buffers;

/// <summary>
/// Disjoint sequence ranges in order, in an array with a movable front: finding a range is a
/// binary search, taking the first or appending a last is O(1), and merging in the middle moves
/// the entries behind it once. The out-of-order store's index, as Linux keeps its queue in an
/// rbtree; a window with tens of thousands of holes stays fast.
/// </summary>
internal sealed class SequenceRanges
{
    private (SequenceNumber Start, SequenceNumber End)[] _items = new (SequenceNumber, SequenceNumber)[16];
    private int _first;

    public int Count { get; private set; }

    public (SequenceNumber Start, SequenceNumber End) this[int index] => _items[_first + index];

    /// <summary>The first range that ends at or after <paramref name="seq"/> (Count when none does).</summary>
    public int FirstEndingAtOrAfter(SequenceNumber seq)
    {
        var low = 0;
        var high = Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (this[mid].End < seq)
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

    /// <summary>Replaces the <paramref name="removed"/> ranges from <paramref name="index"/> with one range.</summary>
    public void Replace(int index, int removed, (SequenceNumber Start, SequenceNumber End) range)
    {
        var shift = 1 - removed;
        if (shift > 0 && _first + Count + shift > _items.Length)
        {
            Compact(Math.Max(_items.Length, 2 * (Count + shift)));
        }

        var tail = Count - index - removed;
        if (shift != 0 && tail > 0)
        {
            Array.Copy(_items, _first + index + removed, _items, _first + index + 1, tail);
        }

        _items[_first + index] = range;
        Count += shift;
    }

    public void RemoveFirst()
    {
        _items[_first] = default;
        _first++;
        Count--;
        if (Count == 0)
        {
            _first = 0;
        }
    }

    private void Compact(int capacity)
    {
        var items = capacity == _items.Length ? _items : new (SequenceNumber, SequenceNumber)[capacity];
        Array.Copy(_items, _first, items, 0, Count);
        if (items == _items)
        {
            Array.Clear(_items, Count, _items.Length - Count);
        }

        _items = items;
        _first = 0;
    }
}
