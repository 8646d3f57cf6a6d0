namespace NetSim.Tcp.Congestion;

/// <summary>
/// LEDBAT's lists of delays (RFC 6817 §2.4.2, current_delays and base_delays): the last few
/// values, oldest forgotten first, and their minimum. Delays are the peer's TSval less our own,
/// 32-bit and compared as sequence numbers are, so that a peer's timestamp offset near the wrap
/// does not turn the minimum over.
/// </summary>
internal sealed class DelayHistory(int length)
{
    private readonly uint[] _values = new uint[length];
    private int _count;
    private int _next;

    /// <summary>The smallest value kept, or 0 when none is.</summary>
    public uint Minimum
    {
        get
        {
            if (_count == 0)
            {
                return 0;
            }

            var minimum = _values[(_next - _count + _values.Length) % _values.Length];
            for (var i = 1; i < _count; i++)
            {
                var value = _values[(_next - _count + i + _values.Length) % _values.Length];
                if ((int)(value - minimum) < 0)
                {
                    minimum = value;
                }
            }

            return minimum;
        }
    }

    public void Clear()
    {
        _count = 0;
        _next = 0;
    }

    /// <summary>Appends a value, forgetting the oldest when the list is full.</summary>
    public void Append(uint value)
    {
        _values[_next] = value;
        _next = (_next + 1) % _values.Length;
        _count = Math.Min(_count + 1, _values.Length);
    }

    /// <summary>base_delays.tail = MIN(base_delays.tail, delay).</summary>
    public void LowerLast(uint value)
    {
        var last = (_next - 1 + _values.Length) % _values.Length;
        if (_count > 0 && (int)(value - _values[last]) < 0)
        {
            _values[last] = value;
        }
    }
}
