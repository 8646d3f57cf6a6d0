using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// When to acknowledge (RFC 9293 §3.8.6.3, RFC 5681 §4.2), as Linux decides it with the state in
/// icsk_ack: quick-ACK mode at the start and after a disturbance; otherwise an ACK for every
/// second full segment, else after the adaptive delayed-ACK timeout (ato), which grows when the
/// timer fires and shrinks with the spacing of arriving data; pingpong mode for interactive
/// exchanges, where ACKs wait for the application's reply; and the receiver's estimate of the
/// peer's segment size (rcv_mss) that "full segment" refers to.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Linux TCP_MSS_DEFAULT (RFC 9293 §3.7.1's 536): the first receive-MSS estimate's bound, and mss_cache before a connection has one.</summary>
    public const int DefaultMss = 536;

    /// <summary>Linux TCP_MIN_MSS: the least receive-MSS estimate.</summary>
    private const int MinimumMss = 88;

    /// <summary>Linux TCP_DELACK_MAX: the longest a delayed ACK waits in pingpong mode or after a pushed segment.</summary>
    /// <summary>The longest a delayed ACK waits in pingpong mode or after a push (icsk_delack_max, TCP_DELACK_MAX 200 ms; TCP_BPF_DELACK_MAX sets it).</summary>
    public SimTime DelayedAckMax { get; set; } = SimTime.FromMilliseconds(200);

    private bool _ackPending;
    private bool _ackNow;
    private int _quickAcks;
    private bool _pingpong;
    private SimTime _ato;
    private SimTime? _lastDataReceived;
    private SimTime _delayedAckDue;

    /// <summary>The receiver's estimate of the peer's segment size (icsk_ack.rcv_mss).</summary>
    public int ReceiveMss { get; private set; } = DefaultMss;

    private int _lastSegmentSize;

    /// <summary>ICSK_ACK_PUSHED and ICSK_ACK_PUSHED2: small (pushed) segments arrived since the last ACK.</summary>
    private int _pushed;

    private SimTime MinimumAto => Settings.DelayedAckTimeout;

    /// <summary>Linux tcp_initialize_rcv_mss(), at the end of the handshake.</summary>
    private void InitializeReceiveMss()
    {
        var hint = Math.Min(Math.Min(AdvertisedMss, Mss), (int)(RcvWnd / 2));
        ReceiveMss = Math.Max(Math.Min(hint, DefaultMss), MinimumMss);
    }

    /// <summary>
    /// Linux tcp_event_data_recv() for in-order data, of which <paramref name="queued"/> bytes are
    /// about to reach the reader (Linux has queued them already): measure the peer's segment size
    /// and the receiver's RTT; the first data starts quick-ACK mode; later, the spacing of arrivals
    /// tunes the delayed-ACK timeout, and a gap longer than the RTO restarts quick-ACK mode; the
    /// window may grow.
    /// </summary>
    private void OnInOrderData(Packet packet, int queued)
    {
        MeasureReceiveMss(packet);
        MeasureReceiverRttByWindow(RcvNxt + queued);
        var now = Simulation.Now;
        if (_ato == SimTime.Zero || _lastDataReceived is not { } last)
        {
            IncreaseQuickAcks(Settings.QuickAcks);
            _ato = MinimumAto;
        }
        else
        {
            var gap = now - last;
            if (gap <= MinimumAto / 2)
            {
                _ato = (_ato / 2) + (MinimumAto / 2);
            }
            else if (gap < _ato)
            {
                _ato = SimTime.Min((_ato / 2) + gap, Rto);
            }
            else if (gap > Rto)
            {
                IncreaseQuickAcks(Settings.QuickAcks);
            }
        }

        _lastDataReceived = now;
        LastDataReceivedJiffies = Jiffies;
        GrowWindow(packet.PayloadLength, Stack.ReceiveTruesize(packet), queued);
    }

    /// <summary>
    /// Linux tcp_measure_rcv_mss(): a segment at least as large as the estimate raises it (a packet
    /// of several counts by the size they were cut to, gso_size); smaller ones count only when two
    /// in a row, unpushed, have the same size. Pushed small segments are remembered, so a read that
    /// drains them is acknowledged at once.
    /// </summary>
    private void MeasureReceiveMss(Packet packet)
    {
        var previous = _lastSegmentSize;
        _lastSegmentSize = 0;
        var length = packet.GsoSize != 0 ? packet.GsoSize : packet.PayloadLength;
        if (length >= ReceiveMss)
        {
            if (length != ReceiveMss)
            {
                MeasureScalingRatio(packet);
            }

            ReceiveMss = Math.Min(length, AdvertisedMss);
            return;
        }

        var headerLength = Packet.TcpHeaderBytes + packet.TcpOptionsLength;
        var withHeader = length + headerLength;
        var remnant = (packet.Flags & (TcpFlags.Fin | TcpFlags.Urg | TcpFlags.Syn | TcpFlags.Psh)) != 0;
        if (withHeader >= DefaultMss + Packet.TcpHeaderBytes || (withHeader >= MinimumMss + Packet.TcpHeaderBytes && !remnant))
        {
            // Less the fixed header: 20 bytes, 32 with timestamps (tp->tcp_header_len).
            var invariant = withHeader - Packet.TcpHeaderBytes - (TimestampsAgreed ? TimestampsOptionBytes : 0);
            _lastSegmentSize = invariant;
            if (invariant == previous)
            {
                ReceiveMss = invariant;
                return;
            }
        }

        _pushed = Math.Min(_pushed + 1, 2);
    }

    /// <summary>
    /// Linux tcp_grow_window() for a segment of 128 bytes or more: rcv_ssthresh rises by two
    /// segments (at least twice this one) while the buffer has room above it, and the next ACK
    /// goes at once so the sender learns of the larger window; a segment whose memory
    /// (<paramref name="truesize"/>) holds more window than its payload grows it only while
    /// rcv_ssthresh is small enough (__tcp_grow_window()). <paramref name="queued"/> brings the
    /// buffer's count to Linux's charge at that point: in-order data not yet in it that Linux has
    /// queued (positive), out-of-order data already held that Linux charges only after (negative).
    /// </summary>
    private void GrowWindow(int length, int truesize, int queued)
    {
        var room = Math.Min((long)ushort.MaxValue << RcvWscale, _receiveBuffer.FreeSpace - queued) - _rcvSsthresh;
        if (length < 128 || room <= 0)
        {
            return;
        }

        var increment = WinFromSpace(truesize) <= length ? 2 * AdvertisedMss : SmallSegmentGrowth(length, truesize);
        if (increment == 0)
        {
            return;
        }

        increment = Math.Max(increment, 2 * length);
        _rcvSsthresh = Math.Min(_rcvSsthresh + (uint)Math.Min(room, increment), WindowClamp);
        _quickAcks |= 1;
    }

    /// <summary>
    /// __tcp_grow_window(): halving the segment's window share and tcp_rmem[2]'s together, two
    /// segments of growth once the share fits the payload before rcv_ssthresh outgrows the
    /// halved buffer; none otherwise.
    /// </summary>
    private int SmallSegmentGrowth(int length, int truesize)
    {
        var share = WinFromSpace(truesize) >> 1;
        var window = WinFromSpace(Settings.LargestReceiveBuffer) >> 1;
        while (_rcvSsthresh <= window)
        {
            if (share <= length)
            {
                return 2 * ReceiveMss;
            }

            share >>= 1;
            window >>= 1;
        }

        return 0;
    }

    /// <summary>Linux tcp_incr_quickack(): quick ACKs for half a window of estimated segments, at most <paramref name="max"/>, never fewer than 2.</summary>
    private void IncreaseQuickAcks(int max)
    {
        var quick = (int)(RcvWnd / (2 * (uint)ReceiveMss));
        quick = Math.Min(quick == 0 ? 2 : quick, max);
        _quickAcks = Math.Max(_quickAcks, quick);
    }

    /// <summary>Linux tcp_enter_quickack_mode(): quick ACKs, out of pingpong mode, the shortest timeout.</summary>
    private void EnterQuickAckMode(int max)
    {
        IncreaseQuickAcks(max);
        _pingpong = false;
        _ato = MinimumAto;
    }

    /// <summary>ICSK_ACK_NOW: the next ACK check sends at once (a filled hole, out-of-order or duplicate data).</summary>
    private void ScheduleImmediateAck()
    {
        _ackPending = true;
        _ackNow = true;
    }

    private bool InQuickAckMode => _quickAcks > 0 && !_pingpong;

    /// <summary>
    /// Linux __tcp_ack_snd_check(): ACK at once when more than one estimated segment is
    /// unacknowledged and either the reader still waits for SO_RCVLOWAT's bytes or the window
    /// would not shrink, in quick-ACK mode, when asked to, or with
    /// data out of order; otherwise arm the delayed ACK.
    /// </summary>
    private void SendAckIfDue()
    {
        if (!_ackPending || State is TcpState.Closed)
        {
            return;
        }

        // A reader waiting for SO_RCVLOWAT bytes it does not have yet gets its ACK now, so the sender keeps sending.
        if ((RcvNxt - _rcvWup > ReceiveMss && (_receiveBuffer.Unread < ReceiveLowWatermark || ComputeWindow() >= RcvWnd)) || InQuickAckMode || _ackNow || _receiveBuffer.HasOutOfOrder
            || Settings.AckEverySegment)
        {
            SendAck();
        }
        else
        {
            SendDelayedAck();
        }
    }

    /// <summary>
    /// Linux tcp_send_delayed_ack(): wait the delayed-ACK timeout, at most 500 ms (200 ms in
    /// pingpong mode or after a pushed segment) and at most the smoothed RTT once there is one; an
    /// earlier deadline already set stands, and one due within a quarter timeout sends now.
    /// </summary>
    private void SendDelayedAck()
    {
        // A connection that has received no data yet has ato 0: its delayed ACK leaves on the next tick.
        var ato = _ato;
        if (ato > MinimumAto)
        {
            var max = _pingpong || _pushed > 0 ? DelayedAckMax : SimTime.FromMilliseconds(500);
            if (Rtt.SrttUs8 > 0)
            {
                var rtt = SimTime.Max(Settings.RoundUpToJiffy(SimTime.FromMicroseconds(Rtt.SrttUs8 >> 3)), MinimumAto);
                max = SimTime.Min(max, rtt);
            }

            ato = SimTime.Min(ato, max);
        }

        ato = SimTime.Min(ato, DelayedAckMax);

        var due = Simulation.Now + ato;
        if (_delayedAckTimer.IsArmed)
        {
            if (_delayedAckDue <= Simulation.Now + (ato / 4))
            {
                SendAck();
                return;
            }

            due = SimTime.Min(due, _delayedAckDue);
        }

        _delayedAckDue = due;
        _delayedAckTimer.Arm(due);
    }

    /// <summary>
    /// Linux tcp_delack_timer_handler(): the delayed ACK goes out; a missed one outside pingpong
    /// mode doubles the timeout (up to the RTO), and inside it ends pingpong mode.
    /// </summary>
    private void OnDelayedAckTimer()
    {
        if (!_ackPending || State == TcpState.Closed)
        {
            return;
        }

        if (_pingpong)
        {
            _pingpong = false;
            _ato = MinimumAto;
        }
        else
        {
            _ato = SimTime.Min(_ato * 2, Rto);
        }

        SendAck();
    }

    /// <summary>
    /// Linux tcp_event_ack_sent(): an ACK left, so nothing is pending. A quick ACK is used up only
    /// by an ACK that was due (ICSK_ACK_SCHED), the last of them deflating the delayed-ACK timeout
    /// (tcp_dec_quickack_mode(); Linux 6.6, "tcp: fix quick-ack counting to count actual ACKs of
    /// new data": ACKs riding on data or answering a duplicate leave the count as it was).
    /// </summary>
    private void OnAckSent()
    {
        if (_quickAcks > 0 && _ackPending)
        {
            _quickAcks--;
            if (_quickAcks == 0)
            {
                _ato = MinimumAto;
            }
        }

        _ackPending = false;
        _ackNow = false;
        _ackNoMemory = false;
        _pushed = 0;
        _delayedAckTimer.Cancel();
    }

    /// <summary>When data was last sent, in jiffies (tp->lsndtime).</summary>
    public uint LastSendJiffies { get; private set; }

    /// <summary>When data last arrived, or the connection was established, in jiffies (icsk_ack.lrcvtime).</summary>
    public uint LastDataReceivedJiffies { get; private set; }

    /// <summary>
    /// Linux tcp_event_data_sent(): the first data with nothing in flight is CA_EVENT_TX_START;
    /// data sent within ato of the last data received is a reply: pingpong mode (tcp_pingpong_thresh = 1).
    /// </summary>
    private void OnDataSent(bool nothingInFlight)
    {
        if (nothingInFlight)
        {
            Congestion.CwndEvent(this, CaEvent.TxStart);
        }

        LastSendJiffies = Jiffies;
        if (_lastDataReceived is { } last && Simulation.Now - last < _ato)
        {
            _pingpong = true;
        }
    }

    /// <summary>inet_csk_in_pingpong_mode(): ACKs wait to ride on data (getsockopt(TCP_QUICKACK) reports the opposite).</summary>
    public bool InPingpongMode => _pingpong;

    /// <summary>
    /// setsockopt(TCP_QUICKACK) (__tcp_sock_set_quickack()): 0 enters pingpong mode, where ACKs wait
    /// to ride on data; otherwise pingpong mode ends, and in ESTABLISHED or CLOSE-WAIT an ACK
    /// waiting goes at once if tcp_cleanup_rbuf() finds it due, as after a read with ICSK_ACK_PUSHED
    /// marked (an even value enters pingpong mode again afterwards).
    /// </summary>
    public void SetQuickAck(int value)
    {
        if (value == 0)
        {
            _pingpong = true;
            return;
        }

        _pingpong = false;
        if (State is not (TcpState.Established or TcpState.CloseWait) || !_ackPending)
        {
            return;
        }

        _pushed = Math.Max(_pushed, 1);
        if (AckDueAfterRead())
        {
            SendAck();
        }

        if ((value & 1) == 0)
        {
            _pingpong = true;
        }
    }

    /// <summary>
    /// Linux tcp_cleanup_rbuf(): after a read, a scheduled ACK goes now if more than one segment
    /// is unacknowledged, or if the read drained a buffer that held pushed segments.
    /// </summary>
    private bool AckDueAfterRead() =>
        _ackPending
        && (RcvNxt - _rcvWup > ReceiveMss
            || ((_pushed >= 2 || (_pushed == 1 && !_pingpong)) && _receiveBuffer.Unread == 0 && !_receiveBuffer.HasOutOfOrder));
}
