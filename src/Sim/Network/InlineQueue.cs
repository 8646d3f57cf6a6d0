namespace NetSim.Sim.Network;

/// <summary>
/// A first-in first-out ring that grows by doubling, as a struct for holding inside the object that
/// owns it (a link's propagation line, a FIFO queue): reaching an element then costs the owner's
/// cache line and the ring's slot, with no queue object between them. Slots are cleared on removal,
/// so a pooled packet is referenced only where it is.
/// </summary>
internal struct InlineQueue<T>
{
    private T[] _items;
    private int _head;

    public InlineQueue()
    {
        _items = new T[4];
    }

    public int Count { get; private set; }

    public readonly ref readonly T Peek() => ref _items[_head];

    public void Enqueue(T item)
    {
        if (Count == _items.Length)
        {
            Grow();
        }

        _items[(_head + Count) & (_items.Length - 1)] = item;
        Count++;
    }

    public T Dequeue()
    {
        ref var slot = ref _items[_head];
        var item = slot;
        slot = default!;
        _head = (_head + 1) & (_items.Length - 1);
        Count--;
        return item;
    }

    private void Grow()
    {
        var bigger = new T[_items.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            bigger[i] = _items[(_head + i) & (_items.Length - 1)];
        }

        _items = bigger;
        _head = 0;
    }
}
