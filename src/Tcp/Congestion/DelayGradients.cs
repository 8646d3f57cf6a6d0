namespace NetSim.Tcp.Congestion;

/// <summary>
/// CDG's moving window of per-round gradients of the minimum and maximum RTT (tcp_cdg.c's
/// ca->gradients and ca->gsum): the sums over the last <see cref="Window"/> rounds, the paper's
/// smoothed gradient without its division by the window.
/// </summary>
internal sealed class DelayGradients
{
    /// <summary>The module's window parameter: eight rounds.</summary>
    public const int Window = 8;

    private readonly RttRange[] _ring = new RttRange[Window];
    private RttRange _sum;
    private int _tail;

    /// <summary>The window has wrapped once (ca->gfilled): every slot holds a round's gradient.</summary>
    public bool Filled { get; private set; }

    /// <summary>Rounds held while the window fills (ca->tail).</summary>
    public int Count => _tail;

    /// <summary>Adds a round's gradients in place of the oldest, and returns the sums.</summary>
    public (int Min, int Max) Add(int gradientMin, int gradientMax)
    {
        ref var oldest = ref _ring[_tail];
        _sum.Min += gradientMin - oldest.Min;
        _sum.Max += gradientMax - oldest.Max;
        oldest.Min = gradientMin;
        oldest.Max = gradientMax;
        _tail = (_tail + 1) & (Window - 1);
        if (_tail == 0)
        {
            Filled = true;
        }

        return (_sum.Min, _sum.Max);
    }

    public void Clear()
    {
        Array.Clear(_ring);
        _sum = default;
        _tail = 0;
        Filled = false;
    }
}
