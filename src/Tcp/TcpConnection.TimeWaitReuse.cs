using NetSim.Sim.Kernel;

namespace NetSim.Tcp;

/// <summary>
/// connect() taking over a TIME-WAIT socket's 4-tuple (Linux tcp_twsk_unique(), tcp_tw_reuse): safe
/// when the old connection saw timestamps, as PAWS then tells its duplicates from the new ones.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>When the socket became a timewait socket (tw_entry_stamp), from which tcp_tw_reuse_delay counts.</summary>
    private SimTime _timeWaitEntered;

    /// <summary>Set once a connection takes over this 4-tuple's timestamp clock with it (the offset Linux derives from the 4-tuple).</summary>
    private bool _tsOffsetInherited;

    /// <summary>
    /// tcp_twsk_unique(): whether a new connection may take this timewait socket's 4-tuple. It
    /// must have seen timestamps (ts_recent_stamp). A port bind() gave (<paramref name="reuse"/>
    /// null) is then enough; a port connect() is choosing also needs tcp_tw_reuse (2: only with a
    /// loopback address; none in the FIN-WAIT-2 substate) and the socket older than
    /// tcp_tw_reuse_delay, both as the connecting socket has them, compared on the millisecond
    /// clock (time_after32(tcp_clock_ms(), entry + delay)).
    /// </summary>
    internal bool MayBeTakenOver(TcpSettings? reuse)
    {
        if (!_handedToTimeWait || !_tsRecentValid)
        {
            return false;
        }

        if (reuse is null)
        {
            return true;
        }

        var mode = State == TcpState.FinWait2 ? 0 : reuse.TimeWaitReuse;
        if (mode == 2 && !LocalAddress.IsLoopback && !RemoteAddress.IsLoopback)
        {
            mode = 0;
        }

        return mode != 0 && Simulation.Now.Milliseconds > _timeWaitEntered.Milliseconds + reuse.TimeWaitReuseDelay.Milliseconds;
    }

    /// <summary>
    /// tcp_twsk_unique()'s take-over: this connection starts its sequence space past the old one's
    /// (tw_snd_nxt + 65535 + 2, never 0), keeps its TS.Recent, which its SYN echoes, and its
    /// timestamp clock; the timewait socket is gone (inet_twsk_deschedule_put()). Returns the ISS.
    /// </summary>
    internal SequenceNumber TakeOver(TcpConnection timeWait)
    {
        _tsRecent = timeWait._tsRecent;
        _tsRecentValid = true;
        _tsOffset = timeWait._tsOffset;
        _tsOffsetInherited = true;
        timeWait._timeWaitTimer.Cancel();
        Stack.OnTimeWaitTakenOver();
        timeWait.CloseTimeWait();
        var iss = timeWait.SndNxt + (65535 + 2);
        return iss.Value == 0 ? new SequenceNumber(1) : iss;
    }
}
