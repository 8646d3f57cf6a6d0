using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// TSO deferral as Linux's tcp_tso_should_defer() decides it: an skb of several segments that the
/// windows let go only in part waits for the next ACK to open them further, so that the sender
/// builds bigger TSO packets, while the sender has written within the last millisecond and that
/// ACK is due within min(1 ms, srtt/2). It goes at once when a full TSO packet, the whole skb
/// (more data queued behind it), or a tcp_tso_win_divisor-th of the window (a third) fits, and in
/// recovery; an skb the windows would take whole, waiting only for more of the application's
/// data, goes at once if it ends a record or carries the FIN.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>tcp_max_tso_deferred_mss(): with tcp_tso_win_divisor 0, more than this many segments of room always go.</summary>
    private const int MaxTsoDeferredSegments = 3;

    /// <summary>The ACK-clocked deferral of the sending round that ended: the cwnd held the skb back (tcp_write_xmit()'s is_cwnd_limited).</summary>
    private bool _tsoDeferredByCwnd;

    /// <summary>
    /// tcp_tso_should_defer() for the skb at the send head, of <paramref name="skbLength"/> bytes,
    /// more than one segment of <paramref name="mssNow"/>: true to hold it until the next ACK.
    /// Marks which window held it back.
    /// </summary>
    private bool TsoShouldDefer(int mssNow, long skbLength)
    {
        if (CaState is CaState.Recovery or CaState.Loss)
        {
            return false;
        }

        // Only while the last write was recent: tp->tcp_wstamp_ns no more than a millisecond ago.
        var now = Simulation.Now;
        if (now - _departure > DeferralRecentWrite)
        {
            return false;
        }

        long sendWindow = SendWindowEnd - SndNxt;
        var congestionWindow = (long)(Window.Cwnd - PacketsInFlight) * Mss;
        var limit = Math.Min(sendWindow, congestionWindow);
        if (limit >= (long)TsoSegments(mssNow) * Mss)
        {
            return false;
        }

        var isTail = _writeQueue.HeadIsTail(_streamNext);
        if (!isTail && limit >= skbLength)
        {
            return false;
        }

        var divisor = Settings.TsoWinDivisor;
        if (divisor > 0 ? limit >= Math.Min(SndWnd, (long)Window.Cwnd * Mss) / divisor : limit > MaxTsoDeferredSegments * Mss)
        {
            return false;
        }

        if (_rtx.Count == 0)
        {
            return false;
        }

        // When the next ACK is due: a smoothed RTT after the oldest segment in flight last left.
        var srtt = SimTime.FromNanoseconds(Rtt.SrttUs8 * 125);
        var ackDueIn = _rtx[0].LastSent + srtt - now;
        if (ackDueIn > SimTime.Min(srtt / 2, DeferralRecentWrite))
        {
            return false;
        }

        if (congestionWindow < sendWindow)
        {
            if (congestionWindow <= skbLength)
            {
                _tsoDeferredByCwnd = true;
                return true;
            }
        }
        else if (sendWindow <= skbLength)
        {
            _rwndLimited = true;
            return true;
        }

        // Application limited: the skb waits for more data unless none will join it.
        var end = _streamNext + skbLength;
        var finRides = _finRequested && isTail && end == _bytesWritten;
        return !finRides && !_writeQueue.EorAt(end);
    }

    /// <summary>NSEC_PER_MSEC in tcp_tso_should_defer(): how recent the last write must be, and the longest the next ACK may be due in.</summary>
    private static readonly SimTime DeferralRecentWrite = SimTime.FromMilliseconds(1);
}
