namespace NetSim.Tcp.Congestion;

/// <summary>CDG's gradient, its probabilistic backoff and its HyStart (net/ipv4/tcp_cdg.c).</summary>
public sealed partial class Cdg
{
    /// <summary>
    /// tcp_cdg_grad(): the gradients of the round's minimum and maximum RTT, summed over the window
    /// of rounds (the paper's smoothed gradient times the window), extrapolated while the window
    /// fills; the minimum's when it rises, else the maximum's. A fall of either shows a backoff
    /// worked.
    /// </summary>
    private int Gradient()
    {
        var (gmin, gmax) = _gradients.Add(_rtt.Min - _rttPrevious.Min, _rtt.Max - _rttPrevious.Max);
        var gradient = gmin > 0 ? gmin : gmax;
        if (!_gradients.Filled)
        {
            gradient = gradient * DelayGradients.Window / _gradients.Count;
        }

        if (gmin <= EffectualGradient || gmax <= EffectualGradient)
        {
            _backoffCount = 0;
        }

        return gradient;
    }

    /// <summary>
    /// tcp_cdg_backoff(): with probability 1 - e^(-gradient x backoff_factor / 10^6), unless too many
    /// backoffs in a row were ineffectual, the shadow window keeps cwnd and the window is reduced
    /// as for ECN (tcp_enter_cwr()). Returns whether it backed off.
    /// </summary>
    private bool Backoff(TcpConnection connection, uint gradient)
    {
        var draw = (uint)_random!.NextInt64(0, 1L << 32);
        if (draw <= NegativeExponential.OfMicros(unchecked(gradient * BackoffFactor)))
        {
            return false;
        }

        _backoffCount++;
        if (_backoffCount > IneffectualBackoffs)
        {
            return false;
        }

        _shadowWindow = Math.Max(_shadowWindow, connection.Window.Cwnd);
        _backingOff = true;
        Backoffs++;
        connection.EnterCwr();
        return true;
    }

    /// <summary>
    /// tcp_cdg_hystart_update(): CUBIC's HyStart with Hayes' delayed-ACK filter, a microsecond ACK
    /// train that starts over when the sender is not cwnd-limited, at any window. Slow start ends
    /// (ssthresh = cwnd) when ACKs spaced under 3 ms have spanned half the minimum delay, or when
    /// after eight samples the round's minimum RTT is above 9/8 of the smallest seen.
    /// </summary>
    private void HystartUpdate(CongestionWindow window)
    {
        _delayMin = MinNotZero(_delayMin, _rtt.Min);
        if (_delayMin == 0)
        {
            return;
        }

        var nowUs = unchecked((uint)Connection.Simulation.Now.Microseconds);
        if (_lastAckUs == 0 || !window.CwndLimited)
        {
            _lastAckUs = nowUs;
            _roundStartUs = nowUs;
        }
        else if ((int)(nowUs - (_lastAckUs + AckTrainGapUs)) < 0)
        {
            var baseOneWayDelay = Math.Max((uint)_delayMin / 2, HystartFloorUs);
            _lastAckUs = nowUs;
            if ((int)(nowUs - (_roundStartUs + baseOneWayDelay)) > 0)
            {
                window.Ssthresh = window.Cwnd;
                return;
            }
        }

        if (_sampleCount < HystartDelaySamples)
        {
            _sampleCount++;
        }
        else if (_rtt.Min > (int)Math.Max((uint)_delayMin + ((uint)_delayMin / 8), HystartFloorUs))
        {
            window.Ssthresh = window.Cwnd;
        }
    }
}
