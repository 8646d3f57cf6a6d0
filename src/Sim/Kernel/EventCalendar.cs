namespace NetSim.Sim.Kernel;

/// <summary>
/// The pending-event set: a calendar queue (R. Brown, "Calendar queues", CACM 31(10), 1988). Events
/// hash into buckets by time, each bucket a short list sorted by (time, insertion sequence); a
/// dequeue scans forward from the current bucket, one bucket-width of time at a time. With the
/// width near three times the mean separation of the earliest events and about one bucket per
/// event, both operations take constant time on average. Equal times keep insertion order, which
/// makes every run deterministic; each bucket also keeps its tail, so an event at or after the
/// latest of its bucket (thousands of timers due at the same instant) is appended without a walk.
/// A node holds its time, order, handler and token together, and a bucket its head and tail with
/// their times, so with hundreds of thousands of events pending (10,000 flows) an insert decides
/// an append or a prepend, and a scan passes a bucket of a later year, without reaching a node.
/// Nodes live in a pooled array, so once grown to the peak load nothing is allocated.
/// </summary>
public sealed class EventCalendar
{
    private const int Nil = -1;
    private const int MinBuckets = 16;
    private const int WidthSamples = 25;

    private struct Node
    {
        public long Time;
        public long Sequence;
        public long Token;
        public IEventHandler? Handler;
        public int Next;
    }

    /// <summary>A bucket's list ends with their times beside them: an insert or a scan compares with those without reaching a node.</summary>
    private struct Bucket
    {
        public int Head;
        public int Tail;
        public long HeadTime;
        public long TailTime;
    }

    private Node[] _nodes = new Node[256];
    private int _freeHead = Nil;
    private int _nodesUsed;

    private Bucket[] _buckets = NewBuckets(MinBuckets);
    private int _mask = MinBuckets - 1;
    private int _widthShift = 10;

    private int _count;
    private long _nextSequence;

    /// <summary>The bucket the next dequeue scan starts at, and the end of its current year's window.</summary>
    private int _current;
    private long _currentTop = 1L << 10;

    /// <summary>The latest dequeued times, a ring, for re-estimating the bucket width.</summary>
    private readonly long[] _recent = new long[WidthSamples];
    private int _recentNext;
    private int _recentCount;

    /// <summary>Work done per operation since the last check: list nodes walked on insert, empty buckets passed on dequeue.</summary>
    private long _work;
    private int _operations;

    /// <summary>Operations since the calendar was last rebuilt: a rebuild relinks every event, so it waits for as many operations.</summary>
    private long _operationsSinceResize;

    public int Count => _count;

    /// <summary>Times every event was relinked into a new set of buckets (for tests of the rebuild policy).</summary>
    internal long Rebuilds { get; private set; }

    public long NextTime => _count == 0 ? long.MaxValue : _nodes[Locate()].Time;

    public void Insert(long time, IEventHandler handler, long token)
    {
        var node = AllocateNode();
        ref var entry = ref _nodes[node];
        entry.Time = time;
        entry.Sequence = _nextSequence++;
        entry.Handler = handler;
        entry.Token = token;
        Link(node);
        _count++;

        // An event before the scan position moves the scan back to it.
        if (time < _currentTop - Width)
        {
            _current = BucketOf(time);
            _currentTop = TopOf(time);
        }

        if (_count > 2 * (_mask + 1))
        {
            Resize((_mask + 1) * 2);
        }
    }

    /// <summary>Removes the earliest entry. The caller checks <see cref="Count"/> first.</summary>
    public (long Time, IEventHandler Handler, long Token) RemoveFirst()
    {
        var node = Locate();
        ref var entry = ref _nodes[node];
        ref var bucket = ref _buckets[_current];
        bucket.Head = entry.Next;
        if (bucket.Tail == node)
        {
            bucket.Tail = Nil;
        }
        else
        {
            bucket.HeadTime = _nodes[entry.Next].Time;
        }

        var time = entry.Time;
        var handler = entry.Handler!;
        var token = entry.Token;
        entry.Handler = null;
        entry.Next = _freeHead;
        _freeHead = node;
        _count--;
        _recent[_recentNext] = time;
        _recentNext = (_recentNext + 1) % WidthSamples;
        _recentCount = Math.Min(_recentCount + 1, WidthSamples);

        if (_count < (_mask + 1) / 2 && _mask + 1 > MinBuckets)
        {
            Resize((_mask + 1) / 2);
        }
        else
        {
            CheckWidth();
        }

        return (time, handler, token);
    }

    /// <summary>
    /// A width that no longer fits the event spacing shows as long bucket lists or long runs of
    /// empty buckets; after enough operations averaging more than a few steps, re-estimate it.
    /// </summary>
    private void CheckWidth()
    {
        _operationsSinceResize++;
        if (++_operations < WorkCheckInterval)
        {
            return;
        }

        // Relinking at the width already in use would rebuild the same calendar: only a new width
        // helps. A rebuild costs one step per pending event; waiting for as many operations since
        // the last keeps that cost constant per operation however the estimate wanders.
        if (_work > (long)MaxAverageWork * _operations && _recentCount == WidthSamples
            && _operationsSinceResize >= _count && EstimateWidthShift() != _widthShift)
        {
            Resize(_mask + 1);
        }

        _work = 0;
        _operations = 0;
    }

    private const int WorkCheckInterval = 1024;
    private const int MaxAverageWork = 6;

    private long Width => 1L << _widthShift;

    private int BucketOf(long time) => (int)((time >> _widthShift) & _mask);

    private long TopOf(long time) => ((time >> _widthShift) + 1) << _widthShift;

    /// <summary>
    /// Finds the earliest event, leaving the scan at its bucket: the first bucket, in calendar order
    /// from the current one, whose head falls within that bucket's window of this year; after a year
    /// with none, the earliest head of all buckets.
    /// </summary>
    private int Locate()
    {
        var bucket = _current;
        var top = _currentTop;
        for (var i = 0; i <= _mask; i++)
        {
            ref var candidate = ref _buckets[bucket];
            if (candidate.Head != Nil && candidate.HeadTime < top)
            {
                var head = candidate.Head;
                _current = bucket;
                _currentTop = top;
                return head;
            }

            bucket = (bucket + 1) & _mask;
            top += Width;
            _work++;
        }

        var earliest = Nil;
        for (var b = 0; b <= _mask; b++)
        {
            var head = _buckets[b].Head;
            if (head != Nil && (earliest == Nil || Before(head, earliest)))
            {
                earliest = head;
            }
        }

        _current = BucketOf(_nodes[earliest].Time);
        _currentTop = TopOf(_nodes[earliest].Time);
        return earliest;
    }

    /// <summary>Inserts a node into its bucket's list after every node that precedes it in (time, sequence) order.</summary>
    /// <remarks>
    /// A node goes after every node of its time already linked: a new event has the latest sequence,
    /// and a rebuild relinks each bucket's list in order, in which events of one time lie together.
    /// So comparing times with the bucket's ends decides an append or a prepend.
    /// </remarks>
    private void Link(int node)
    {
        ref var entry = ref _nodes[node];
        var time = entry.Time;
        ref var bucket = ref _buckets[BucketOf(time)];
        var head = bucket.Head;
        if (head == Nil)
        {
            entry.Next = Nil;
            bucket.Head = node;
            bucket.Tail = node;
            bucket.HeadTime = time;
            bucket.TailTime = time;
            return;
        }

        if (time >= bucket.TailTime)
        {
            entry.Next = Nil;
            _nodes[bucket.Tail].Next = node;
            bucket.Tail = node;
            bucket.TailTime = time;
            return;
        }

        if (time < bucket.HeadTime)
        {
            entry.Next = head;
            bucket.Head = node;
            bucket.HeadTime = time;
            return;
        }

        var previous = head;
        var next = _nodes[head].Next;
        while (next != Nil && !Before(node, next))
        {
            previous = next;
            next = _nodes[next].Next;
            _work++;
        }

        _nodes[node].Next = next;
        _nodes[previous].Next = node;
    }

    private bool Before(int a, int b) =>
        _nodes[a].Time < _nodes[b].Time || (_nodes[a].Time == _nodes[b].Time && _nodes[a].Sequence < _nodes[b].Sequence);

    private int AllocateNode()
    {
        if (_freeHead != Nil)
        {
            var node = _freeHead;
            _freeHead = _nodes[node].Next;
            return node;
        }

        if (_nodesUsed == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        return _nodesUsed++;
    }

    /// <summary>
    /// Brown's resize: a new bucket count and a width of three times the mean separation of the latest
    /// dequeued events (separations above twice the mean discarded), then every node relinked.
    /// </summary>
    private void Resize(int bucketCount)
    {
        Rebuilds++;
        _operationsSinceResize = 0;
        _widthShift = EstimateWidthShift();
        var old = _buckets;
        _buckets = NewBuckets(bucketCount);
        _mask = bucketCount - 1;
        var earliest = long.MaxValue;
        foreach (var bucket in old)
        {
            var node = bucket.Head;
            while (node != Nil)
            {
                var next = _nodes[node].Next;
                Link(node);
                earliest = Math.Min(earliest, _nodes[node].Time);
                node = next;
            }
        }

        if (earliest != long.MaxValue)
        {
            _current = BucketOf(earliest);
            _currentTop = TopOf(earliest);
        }
    }

    private int EstimateWidthShift()
    {
        if (_recentCount < 3)
        {
            return _widthShift;
        }

        // The ring holds the latest dequeue times in order, starting at the oldest.
        var oldest = _recentCount == WidthSamples ? _recentNext : 0;
        long Sample(int i) => _recent[(oldest + i) % WidthSamples];
        double total = 0;
        var n = _recentCount - 1;
        for (var i = 0; i < n; i++)
        {
            total += Sample(i + 1) - Sample(i);
        }

        var mean = total / n;
        double kept = 0;
        var keptCount = 0;
        for (var i = 0; i < n; i++)
        {
            var gap = Sample(i + 1) - Sample(i);
            if (gap <= 2 * mean)
            {
                kept += gap;
                keptCount++;
            }
        }

        var width = keptCount == 0 ? mean * 3 : kept / keptCount * 3;
        var shift = 0;
        while (shift < 40 && (1L << shift) < width)
        {
            shift++;
        }

        return shift;
    }

    private static Bucket[] NewBuckets(int count)
    {
        var buckets = new Bucket[count];
        Array.Fill(buckets, new Bucket { Head = Nil, Tail = Nil });
        return buckets;
    }
}
