namespace NetSim.Tcp.Congestion;

/// <summary>
/// Kathleen Nichols' windowed running maximum or minimum as Linux lib/minmax.c keeps it: the best,
/// second and third best samples of the last <c>win</c> time units, each from a later part of the
/// window, so the best expires smoothly. Time is whatever the caller counts (BBR's bandwidth:
/// round trips; tcp_min_rtt(): jiffies). One filter is used one way only.
/// </summary>
public struct WindowedMinMax
{
    private (uint T, ulong V) _s0;
    private (uint T, ulong V) _s1;
    private (uint T, ulong V) _s2;

    /// <summary>minmax_get(): the best sample in the window.</summary>
    public readonly ulong Best => _s0.V;

    /// <summary>minmax_reset(): every choice becomes this sample.</summary>
    public ulong Reset(uint t, ulong value)
    {
        _s0 = _s1 = _s2 = (t, value);
        return value;
    }

    /// <summary>minmax_running_max(): takes a sample at time <paramref name="t"/> and returns the maximum over the window.</summary>
    public ulong RunningMax(uint window, uint t, ulong value)
    {
        var sample = (t, value);
        if (value >= _s0.V || t - _s2.T > window)
        {
            return Reset(t, value);
        }

        if (value >= _s1.V)
        {
            _s2 = _s1 = sample;
        }
        else if (value >= _s2.V)
        {
            _s2 = sample;
        }

        return SubWindowUpdate(window, sample);
    }

    /// <summary>minmax_running_min(): takes a sample at time <paramref name="t"/> and returns the minimum over the window.</summary>
    public ulong RunningMin(uint window, uint t, ulong value)
    {
        var sample = (t, value);
        if (value <= _s0.V || t - _s2.T > window)
        {
            return Reset(t, value);
        }

        if (value <= _s1.V)
        {
            _s2 = _s1 = sample;
        }
        else if (value <= _s2.V)
        {
            _s2 = sample;
        }

        return SubWindowUpdate(window, sample);
    }

    /// <summary>minmax_subwin_update(): as the best ages out, the second and third choices move up; fresh choices are taken a quarter and half way through.</summary>
    private ulong SubWindowUpdate(uint window, (uint T, ulong V) sample)
    {
        var dt = sample.T - _s0.T;
        if (dt > window)
        {
            _s0 = _s1;
            _s1 = _s2;
            _s2 = sample;
            if (sample.T - _s0.T > window)
            {
                _s0 = _s1;
                _s1 = _s2;
                _s2 = sample;
            }
        }
        else if (_s1.T == _s0.T && dt > window / 4)
        {
            _s2 = _s1 = sample;
        }
        else if (_s2.T == _s1.T && dt > window / 2)
        {
            _s2 = sample;
        }

        return _s0.V;
    }
}
