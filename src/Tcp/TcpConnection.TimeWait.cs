using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// The timewait socket (Linux tcp_timewait_state_process()): its 2*MSL wait, restarted by some
/// segments and cut short by others, and its 4-tuple used again, by connect() taking it over
/// (tcp_twsk_unique(), tcp_tw_reuse), safe when the old connection saw timestamps, as PAWS then
/// tells its duplicates from the new ones, or by the peer's new SYN, which reopens it. Either way
/// the new connection's ISN is tw_snd_nxt + 65535 + 2.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>When the socket became a timewait socket (tw_entry_stamp), from which tcp_tw_reuse_delay counts.</summary>
    private SimTime _timeWaitEntered;

    /// <summary>
    /// tcp_twsk_unique(): whether a new connection may take this timewait socket's 4-tuple. It
    /// must have seen timestamps (ts_recent_stamp). A port bind() gave (<paramref name="connecting"/>
    /// null) is then enough; a port connect() is choosing also needs tcp_tw_reuse (2: only with a
    /// loopback address; none in the FIN-WAIT-2 substate) and the socket older than
    /// tcp_tw_reuse_delay, both as the <paramref name="connecting"/> socket's settings have them,
    /// compared on the millisecond clock (time_after32(tcp_clock_ms(), entry + delay)).
    /// </summary>
    internal bool MayBeTakenOver(TcpSettings? connecting)
    {
        if (!_handedToTimeWait || !_tsRecentValid)
        {
            return false;
        }

        if (connecting is null)
        {
            return true;
        }

        var mode = State == TcpState.FinWait2 ? 0 : connecting.TimeWaitReuse;
        if (mode == 2 && !LocalAddress.IsLoopback && !RemoteAddress.IsLoopback)
        {
            mode = 0;
        }

        return mode != 0 && Simulation.Now.Milliseconds > _timeWaitEntered.Milliseconds + connecting.TimeWaitReuseDelay.Milliseconds;
    }

    /// <summary>
    /// tcp_twsk_unique()'s take-over: this connection starts its sequence space past the old one's
    /// (tw_snd_nxt + 65535 + 2, never 0) and keeps its TS.Recent, which its SYN echoes (its
    /// timestamp clock is the 4-tuple's, the old one's); the timewait socket is gone
    /// (inet_twsk_deschedule_put()). Returns the ISS.
    /// </summary>
    internal SequenceNumber TakeOver(TcpConnection timeWait)
    {
        _tsRecent = timeWait._tsRecent;
        _tsRecentValid = true;
        timeWait.EndTimeWait();
        return timeWait.NextIncarnationIss;
    }

    /// <summary>
    /// tcp_timewait_state_process() in the TIME-WAIT substate: a SYN without ACK or RST reopens the
    /// 4-tuple (RFC 1122 §4.2.2.13) when PAWS lets it through and it starts beyond RCV.NXT or
    /// carries a newer TSval than TS.Recent (timestamps are read only if the old connection saw
    /// some). Returns the ISN the new connection is to use, or null when the timewait socket keeps
    /// the segment.
    /// </summary>
    internal SequenceNumber? ReopeningIss(Packet syn)
    {
        if (!_handedToTimeWait || State != TcpState.TimeWait || (syn.Flags & (TcpFlags.Ack | TcpFlags.Rst)) != 0)
        {
            return null;
        }

        var sawTimestamp = syn.HasTimestamps && _tsRecentValid;
        var pawsRejects = sawTimestamp && _tsRecent != 0 && (int)(_tsRecent - syn.TsVal) > 0;
        var newer = new SequenceNumber(syn.SequenceNumber) > RcvNxt || (sawTimestamp && (int)(_tsRecent - syn.TsVal) < 0);
        return !pawsRejects && newer ? NextIncarnationIss : null;
    }

    /// <summary>
    /// inet_twsk_reschedule(tw, TCP_TIMEWAIT_LEN): in the TIME-WAIT substate an in-window bare
    /// ACK, or a segment out of the window that is no RST but was refused by PAWS or carries an
    /// ACK, starts the 2*MSL wait again.
    /// </summary>
    private void RestartTimeWait()
    {
        if (_handedToTimeWait && State == TcpState.TimeWait)
        {
            _timeWaitTimer.ArmAfter(Settings.TimeWait);
        }
    }

    /// <summary>inet_twsk_deschedule_put(): the timewait socket ends before its time, its 4-tuple taken by a new connection or a RST taken.</summary>
    internal void EndTimeWait()
    {
        _timeWaitTimer.Cancel();
        CloseTimeWait();
    }

    /// <summary>The ISN of a connection that follows this one on its 4-tuple: tw_snd_nxt + 65535 + 2, never 0.</summary>
    private SequenceNumber NextIncarnationIss
    {
        get
        {
            var iss = SndNxt + (65535 + 2);
            return iss.Value == 0 ? new SequenceNumber(1) : iss;
        }
    }
}
