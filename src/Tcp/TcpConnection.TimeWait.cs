using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// The timewait socket (Linux tcp_time_wait(), tcp_timewait_state_process()): what a closed
/// connection keeps of itself to answer its peer for 2*MSL, its wait restarted by some segments
/// and cut short by others, and its 4-tuple used again, by connect() taking it over
/// (tcp_twsk_unique(), tcp_tw_reuse), safe when the old connection saw timestamps, as PAWS then
/// tells its duplicates from the new ones, or by the peer's new SYN, which reopens it. Either way
/// the new connection's ISN is tw_snd_nxt + 65535 + 2.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// The full socket has handed over to a timewait socket (tcp_time_wait()), which takes segments
    /// through <see cref="OnTimeWaitSegment"/>.
    /// </summary>
    internal bool IsTimeWaitSocket => _handedToTimeWait;

    /// <summary>
    /// The state TCP_INFO reports (tcpi_state): for a socket the application still holds, CLOSE once
    /// a timewait socket has taken the connection over, as tcp_time_wait() ends in tcp_done(); for
    /// one it closed, the connection's own state, the timewait socket's substate as ss shows it.
    /// </summary>
    public TcpState SocketState => _handedToTimeWait && !_orphaned ? TcpState.Closed : State;

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
        _tsRecentStamp = timeWait._tsRecentStamp;
        timeWait.EndTimeWait();
        return timeWait.NextIncarnationIss;
    }

    /// <summary>
    /// tcp_time_wait(): the full socket reports CLOSE and a timewait socket, which runs no sock_ops
    /// program and no timer of the full socket's, keeps what it needs of it (tw_rcv_wnd: what is
    /// left of the window last offered, which its ACKs carry) and finishes the close in the
    /// FIN-WAIT-2 substate, for <paramref name="finWait2Timeout"/> but at least 3.5 RTOs, or in
    /// TIME-WAIT, for 2*MSL.
    /// </summary>
    private void HandOffToTimeWait(TcpState substate, SimTime finWait2Timeout = default)
    {
        if (FlagSet(SockOpsCallbackFlags.State))
        {
            CallSockOps(SockOp.StateCb, (uint)State, (uint)TcpState.Closed);
        }

        _handedToTimeWait = true;
        _timeWaitEntered = Simulation.Now;
        _timeWaitWindow = (uint)ReceiveWindowNow;
        _lastOutOfWindowAck = null;
        Stack.OnTimeWaitEntered();
        ClearTransmitTimer();
        _keepAliveTimer.Cancel();
        _delayedAckTimer.Cancel();
        EnterTimeWaitSubstate(substate);
        if (substate == TcpState.FinWait2)
        {
            _timeWaitTimer.ArmAfter(SimTime.Max(finWait2Timeout, ThreeAndAHalfRto));
        }
    }

    /// <summary>(icsk_rto &lt;&lt; 2) - (icsk_rto &gt;&gt; 1): the least a FIN-WAIT-2 wait lasts (tcp_time_wait(), tcp_fin_time()).</summary>
    private SimTime ThreeAndAHalfRto => (Rto * 4) - (Rto / 2);

    /// <summary>
    /// TCP_LINGER2 (tp->linger2): how long this socket waits in FIN-WAIT-2 once orphaned, in place of
    /// tcp_fin_timeout; zero for the sysctl's, negative for none at all (the connection is dropped).
    /// </summary>
    public SimTime Linger2 { get; private set; }

    /// <summary>
    /// setsockopt(TCP_LINGER2): a negative value drops an orphaned FIN-WAIT-2 at once, 0 returns to
    /// tcp_fin_timeout, others are seconds up to TCP_FIN_TIMEOUT_MAX (120 s).
    /// </summary>
    public void SetLinger2(int seconds) =>
        Linger2 = seconds < 0 ? SimTime.FromNanoseconds(-1) : SimTime.FromSeconds(Math.Min(seconds, FinTimeoutMaxSeconds));

    /// <summary>TCP_FIN_TIMEOUT_MAX / HZ.</summary>
    private const int FinTimeoutMaxSeconds = 120;

    /// <summary>tcp_fin_time(): TCP_LINGER2 or tcp_fin_timeout, at least 3.5 RTOs.</summary>
    private SimTime FinTime => SimTime.Max(Linger2 > SimTime.Zero ? Linger2 : Settings.FinTimeout, ThreeAndAHalfRto);

    /// <summary>
    /// An orphaned connection in FIN-WAIT-2 (tcp_close(), and tcp_rcv_state_process() when the
    /// ACK of the FIN comes after close()): with TCP_LINGER2 negative it is dropped; a FIN-WAIT-2
    /// time up to 2*MSL goes to a timewait socket at once, a longer one first as the full socket,
    /// the keepalive timer holding the part beyond 2*MSL (<see cref="OnFinWait2Timeout"/>). A FIN in
    /// the same segment keeps the full socket, which it is about to move to TIME-WAIT. Returns
    /// false when the connection was dropped.
    /// </summary>
    private bool OrphanInFinWait2(bool finInSegment)
    {
        if (Linger2 < SimTime.Zero)
        {
            EnterClosed();
            return false;
        }

        var timeout = FinTime;
        if (timeout > Settings.TimeWait)
        {
            _keepAliveTimer.ArmAfter(timeout - Settings.TimeWait);
        }
        else if (finInSegment)
        {
            _keepAliveTimer.ArmAfter(timeout);
        }
        else
        {
            HandOffToTimeWait(TcpState.FinWait2, timeout);
        }

        return true;
    }

    /// <summary>
    /// tcp_keepalive_timer() for an orphaned FIN-WAIT-2 full socket: what is left of the FIN-WAIT-2
    /// time beyond 2*MSL goes to a timewait socket; with none left, the connection is reset.
    /// </summary>
    private void OnFinWait2Timeout()
    {
        var left = FinTime - Settings.TimeWait;
        if (Linger2 >= SimTime.Zero && left > SimTime.Zero)
        {
            HandOffToTimeWait(TcpState.FinWait2, left);
            return;
        }

        SendActiveReset();
        EnterClosed();
    }

    /// <summary>tw_substate: the timewait socket is in FIN-WAIT-2 or TIME-WAIT; TIME-WAIT has 2*MSL to go.</summary>
    private void EnterTimeWaitSubstate(TcpState substate)
    {
        var previous = State;
        State = substate;
        if (previous != substate)
        {
            Observer?.OnStateChanged(this, previous, substate);
        }

        if (substate == TcpState.TimeWait)
        {
            _timeWaitTimer.ArmAfter(Settings.TimeWait);
        }
    }

    /// <summary>tcptw->tw_rcv_wnd: the window the timewait socket's ACKs offer, unscaled.</summary>
    private uint _timeWaitWindow;

    /// <summary>
    /// tcp_timewait_state_process(): what the timewait socket makes of a segment. In the FIN-WAIT-2
    /// substate it repeats the full socket's checks: out of the window or refused by PAWS, an ACK;
    /// a RST in the window ends it; a SYN from RCV.NXT on, or new data, is answered with a RST; the
    /// peer's FIN at RCV.NXT moves it to TIME-WAIT. In TIME-WAIT only a bare ACK or a RST exactly at
    /// RCV.NXT is in the window: the ACK restarts the wait, the RST ends it unless tcp_rfc1337 is
    /// set (RFC 1337's TIME-WAIT assassination). A SYN without ACK or RST that PAWS lets through
    /// and that starts beyond RCV.NXT or carries a newer TSval may reopen the 4-tuple (RFC 1122
    /// §4.2.2.13), with <paramref name="reopeningIss"/> as the new connection's ISN. Anything else
    /// but a RST is acknowledged (a pure ACK or SYN at most once per tcp_invalid_ratelimit), and an
    /// ACK-bearing or PAWS-refused one restarts the wait. Timestamps are read only if the connection
    /// saw some (tw_ts_recent_stamp). The connection's segment counters go on counting, so that a
    /// flow's report covers its timewait socket too.
    /// </summary>
    internal TimeWaitVerdict OnTimeWaitSegment(Packet packet, out SequenceNumber reopeningIss)
    {
        Statistics.SegmentsIn++;
        reopeningIss = default;
        var flags = packet.Flags;
        var rst = (flags & TcpFlags.Rst) != 0;
        var syn = (flags & TcpFlags.Syn) != 0;
        var ack = (flags & TcpFlags.Ack) != 0;
        var seq = new SequenceNumber(packet.SequenceNumber);
        var end = seq + packet.SequenceLength;
        var sawTimestamp = packet.HasTimestamps && _tsRecentValid;
        var pawsRejects = sawTimestamp && TimeWaitPawsRejects(packet.TsVal, rst);

        if (State == TcpState.FinWait2)
        {
            if (pawsRejects || !InTimeWaitWindow(seq, end))
            {
                return OutOfWindowAck(packet);
            }

            if (rst)
            {
                EndTimeWait();
                return TimeWaitVerdict.Drop;
            }

            if (syn && seq >= RcvNxt)
            {
                return TimeWaitVerdict.Reset;
            }

            // A duplicate ACK, or a segment without ACK, changes nothing.
            if (!ack || end <= RcvNxt || packet.SequenceLength == 0)
            {
                return TimeWaitVerdict.Drop;
            }

            // New data after the half-duplex close is reset; only the peer's FIN is taken.
            if ((flags & TcpFlags.Fin) == 0 || end != RcvNxt + 1)
            {
                return TimeWaitVerdict.Reset;
            }

            RcvNxt = end;
            if (sawTimestamp)
            {
                _timeWaitEntered = Simulation.Now;
                StoreTsRecent(packet.TsVal);
            }

            EnterTimeWaitSubstate(TcpState.TimeWait);
            return TimeWaitVerdict.Ack;
        }

        if (!pawsRejects && seq == RcvNxt && (packet.SequenceLength == 0 || rst))
        {
            if (rst && !Settings.Rfc1337)
            {
                EndTimeWait();
                return TimeWaitVerdict.Drop;
            }

            if (!rst)
            {
                _timeWaitTimer.ArmAfter(Settings.TimeWait);
            }

            if (sawTimestamp)
            {
                StoreTsRecent(packet.TsVal);
            }

            return TimeWaitVerdict.Drop;
        }

        if (syn && !rst && !ack && !pawsRejects && (seq > RcvNxt || (sawTimestamp && (int)(_tsRecent - packet.TsVal) < 0)))
        {
            reopeningIss = NextIncarnationIss;
            return TimeWaitVerdict.Reopen;
        }

        if (rst)
        {
            return TimeWaitVerdict.Drop;
        }

        if (pawsRejects || ack)
        {
            _timeWaitTimer.ArmAfter(Settings.TimeWait);
        }

        return OutOfWindowAck(packet);
    }

    /// <summary>
    /// tcp_paws_reject() with the timewait socket's TS.Recent: a TSval older than it, unless
    /// TS.Recent is 0; a RST only while TS.Recent is younger than TCP_PAWS_MSL (60 s, on the
    /// seconds clock).
    /// </summary>
    private bool TimeWaitPawsRejects(uint tsVal, bool rst)
    {
        if ((int)(_tsRecent - tsVal) <= 0 || _tsRecent == 0)
        {
            return false;
        }

        return !rst || Simulation.Now.Milliseconds / 1000 < _tsRecentStamp.Milliseconds / 1000 + PawsMslSeconds;
    }

    /// <summary>TCP_PAWS_MSL.</summary>
    private const long PawsMslSeconds = 60;

    /// <summary>tcp_in_window() over the window the timewait socket last offered: from RCV.NXT to RCV.NXT + tw_rcv_wnd.</summary>
    private bool InTimeWaitWindow(SequenceNumber seq, SequenceNumber end)
    {
        var right = RcvNxt + (int)_timeWaitWindow;
        return seq == RcvNxt || (end > RcvNxt && seq < right) || (seq == right && seq == end);
    }

    /// <summary>
    /// tcp_timewait_check_oow_rate_limit(): an ACK for a segment out of the window, unless it takes
    /// no sequence space or is a SYN and one went out less than tcp_invalid_ratelimit ago
    /// (tcp_oow_rate_limited(): data and FINs are not part of an ACK loop).
    /// </summary>
    private TimeWaitVerdict OutOfWindowAck(Packet packet)
    {
        var limited = (packet.SequenceLength == 0 || (packet.Flags & TcpFlags.Syn) != 0) && OutOfWindowAckRateLimited();
        return limited ? TimeWaitVerdict.Drop : TimeWaitVerdict.OutOfWindowAck;
    }

    /// <summary>
    /// tcp_v4_timewait_ack(): the timewait socket's ACK, from what it kept: SND.NXT, RCV.NXT, the
    /// window it last offered, and timestamps when TS.Recent is not 0. Its IP ECN field is the
    /// socket's last (tw_tos), cleared for an ACK answering a segment out of the window
    /// (TCP_TW_ACK_OOW); the TCP header carries no ECN flags, SACK or program options.
    /// </summary>
    internal void SendTimeWaitAck(bool outOfWindow)
    {
        var packet = RentSegment(SndNxt);
        packet.AcknowledgmentNumber = RcvNxt.Value;
        packet.Flags = TcpFlags.Ack;
        packet.Ecn = _ectOnSocket && !outOfWindow ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
        packet.Window = (ushort)Math.Min(_timeWaitWindow >> RcvWscale, ushort.MaxValue);
        if (_tsRecent != 0)
        {
            packet.HasTimestamps = true;
            packet.TsVal = TsNow;
            packet.TsEcr = _tsRecent;
        }

        Statistics.SegmentsOut++;
        SendOnBoundInterface(packet);
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
