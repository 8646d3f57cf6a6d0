namespace NetSim.Sim.Network;

/// <summary>
/// Walks the option bytes of a TCP header (RFC 9293 §3.2): NOPs are skipped, End of Option List
/// ends the walk, and every other option is kind, length (counting both) and data. A length that
/// is below 2 or runs past the end stops the walk as <see cref="Malformed"/>. Allocates nothing.
/// </summary>
public ref struct TcpOptionWalker
{
    private readonly ReadOnlySpan<byte> _options;
    private int _next;

    public TcpOptionWalker(ReadOnlySpan<byte> options)
    {
        _options = options;
        _next = 0;
        Offset = 0;
        Malformed = false;
    }

    /// <summary>Where the current option starts.</summary>
    public int Offset { get; private set; }

    /// <summary>The walk stopped at an option whose length does not fit.</summary>
    public bool Malformed { get; private set; }

    /// <summary>The current option: kind, length and data.</summary>
    public readonly ReadOnlySpan<byte> Option => _options.Slice(Offset, _options[Offset + 1]);

    public readonly byte Kind => _options[Offset];

    public bool MoveNext()
    {
        while (_next < _options.Length)
        {
            var kind = _options[_next];
            if (kind == (byte)TcpOptionKind.End)
            {
                return false;
            }

            if (kind == (byte)TcpOptionKind.Nop)
            {
                _next++;
                continue;
            }

            var left = _options.Length - _next;
            if (left < 2 || _options[_next + 1] < 2 || left < _options[_next + 1])
            {
                Malformed = true;
                return false;
            }

            Offset = _next;
            _next += _options[_next + 1];
            return true;
        }

        return false;
    }
}
