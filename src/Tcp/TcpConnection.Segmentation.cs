using NetSim.Sim.Network;
using NetSim.Tcp.Buffers;

namespace NetSim.Tcp;

/// <summary>
/// How Linux cuts the byte stream before it reaches the wire: tcp_sendmsg_locked() queues writes in
/// skbs of up to the size goal (<see cref="WriteQueue"/>), and tcp_write_xmit() sends the front of
/// the head skb as one TSO/GSO packet of as many segments as cwnd, the peer's window and the TSO
/// size (tcp_tso_autosize()) allow. The NIC, or GSO, cuts that packet into MSS-sized segments that
/// leave back to back; the simulator sends those segments. Where the packets end decides PSH:
/// __tcp_transmit_skb() forces it on a packet of more than one segment (to flush GRO at the
/// receiver), and segmentation leaves it on the packet's last segment.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// sk_gso_max_size (sk_dst_gso_max_size()): the device's GSO_LEGACY_MAX_SIZE of 64 KiB less
    /// MAX_TCP_HEADER + 1.
    /// </summary>
    public const int GsoMaxSize = 65536 - 1 - MaxTcpHeader;

    /// <summary>GSO_MAX_SEGS: the most segments in one GSO packet (sk_gso_max_segs).</summary>
    private const int GsoMaxSegments = 65535;

    /// <summary>sysctl tcp_tso_rtt_log: the RTT-based TSO allowance halves every 2^9 us of minimum RTT.</summary>
    private const int TsoRttLog = 9;

    /// <summary>sk_pacing_shift: a TSO packet holds about 1/2^10 s of the pacing rate.</summary>
    private const int PacingShift = 10;

    private readonly WriteQueue _writeQueue = new();

    /// <summary>
    /// tcp_sendmsg_locked() copying up to <paramref name="bytes"/>: into the unsent tail skb up to the
    /// size goal, then into new skbs (tcp_skb_entail(), where a restart after idle is checked), each
    /// only while the buffer has room (sk_stream_memory_free(): less than sk_sndbuf charged, fewer
    /// not-sent bytes than TCP_NOTSENT_LOWAT), so the last skb may take the buffer past its size;
    /// the first bytes of a write clear the tail's PSH. A full skb with more to copy is pushed at
    /// once when more than half the peer's largest window was written since the last push
    /// (forced_push()), or else sent on its own if it is the send head (tcp_push_one()). So a long
    /// write starts to leave while it is copied, and the skb's unsent rest, which later bytes fill
    /// up again, keeps its PSH: that is where later segments end and which of them carry PSH.
    /// With <see cref="TcpSettings.SmallQueues"/> the rest of an skb just pushed is refilled only
    /// while the buffer has room too: in Linux a push inside the copy loop sends little before
    /// TCP Small Queues holds it (the writer owns the socket, so transmit completions release
    /// nothing more), which the simulator, modelling no device backlog per socket, would otherwise
    /// let run to the whole congestion window. Returns the bytes copied.
    /// </summary>
    private long QueueWrite(long bytes)
    {
        var sizeGoal = SizeGoal(CurrentMss());
        long copied = 0;
        var pushed = false;
        while (bytes > 0)
        {
            var copy = _writeQueue.TailRoom(_streamNext, sizeGoal);
            if ((copy <= 0 || (pushed && Settings.SmallQueues)) && (SendBufferQueued >= _sendBufferSize || NotSentRoom <= 0))
            {
                break;
            }

            pushed = false;
            if (copy <= 0)
            {

                // tcp_add_write_queue_tail(): the first unsent skb starts the busy clock.
                if (_bytesWritten == _streamNext)
                {
                    ChronoStart(Chrono.Busy);
                }

                _writeQueue.Entail(_bytesWritten);
                _nonagle &= ~Nagle.Push;
                RestartWindowAfterIdle();
                copy = sizeGoal;
            }

            copy = Math.Min(copy, bytes);
            if (copied == 0)
            {
                _writeQueue.ClearTailPush();
            }

            copied += copy;
            _bytesWritten += copy;
            _writeQueue.ExtendTail(_bytesWritten);
            bytes -= copy;
            if (bytes == 0 || _writeQueue.TailRoom(_streamNext, sizeGoal) > 0)
            {
                continue;
            }

            if (_writeQueue.ForcedPush(_bytesWritten, _maxWindow))
            {
                _writeQueue.MarkTailPush(_bytesWritten);
                PushPendingFrames(pushOne: false, Nagle.Push);
                pushed = true;
            }
            else if (_writeQueue.HeadIsTail(_streamNext))
            {
                PushPendingFrames(pushOne: true, Nagle.Push);
                pushed = true;
            }
        }

        return copied;
    }

    /// <summary>
    /// tcp_xmit_size_goal(): the most bytes tcp_sendmsg() puts in one skb, sk_gso_max_size bounded
    /// to half the peer's largest window (tcp_bound_to_half_wnd()), in whole segments, one at least.
    /// </summary>
    private int SizeGoal(int mssNow)
    {
        var cutoff = _maxWindow > DefaultMss ? _maxWindow >> 1 : _maxWindow;
        var headerLength = Packet.TcpHeaderBytes + (TimestampsAgreed ? TimestampsOptionBytes : 0);
        var goal = cutoff > 0 && GsoMaxSize > cutoff ? (int)Math.Max(cutoff, (uint)(68 - headerLength)) : GsoMaxSize;
        var segments = Math.Min(goal / mssNow, GsoMaxSegments);
        return Math.Max(segments * mssNow, mssNow);
    }

    /// <summary>
    /// tcp_tso_segs(): segments per TSO packet, from tcp_tso_autosize() with sk_gso_max_size as the
    /// allowance and the algorithm's min_tso_segs or <see cref="TcpSettings.MinTsoSegments"/>.
    /// </summary>
    private int TsoSegments(int mssNow) =>
        (int)Math.Min(TsoAutosize(PacingRate, MinRttUs, GsoMaxSize, mssNow, Congestion.MinTsoSegments(this) ?? Settings.MinTsoSegments), GsoMaxSegments);

    /// <summary>
    /// tcp_tso_autosize(), and BBRv3's bbr_tso_segs_generic() with GSO_LEGACY_MAX_SIZE as the
    /// allowance: about a millisecond at the pacing rate plus <paramref name="allowance"/> bytes
    /// halved for every 512 us of minimum RTT (big packets to close peers), at most
    /// sk_gso_max_size, in segments of <paramref name="mss"/>, <paramref name="minSegments"/> at least.
    /// </summary>
    public static uint TsoAutosize(ulong pacingRate, long minRttUs, int allowance, int mss, uint minSegments)
    {
        var bytes = pacingRate >> PacingShift;
        var halvings = minRttUs >> TsoRttLog;
        if (halvings < 32)
        {
            bytes += (ulong)(allowance >> (int)halvings);
        }

        bytes = Math.Min(bytes, (ulong)GsoMaxSize);
        return Math.Max((uint)(bytes / (ulong)mss), minSegments);
    }

    /// <summary>
    /// tcp_cwnd_test(): the segments cwnd lets go in the next TSO packet, at most half of cwnd so
    /// that at least two packets are in flight; none when cwnd is full.
    /// </summary>
    private int CwndQuota()
    {
        var inFlight = PacketsInFlight;
        var cwnd = Window.Cwnd;
        return inFlight >= cwnd ? 0 : (int)Math.Min(Math.Max(cwnd >> 1, 1), cwnd - inFlight);
    }

    /// <summary>
    /// tcp_write_xmit() for the skb at the send head: sends as much of it as goes in one TSO packet
    /// of at most <paramref name="quota"/> segments (tcp_mss_split_point()); returns the segments
    /// sent, none when the window, Nagle, TSO deferral (not for tcp_push_one(),
    /// <paramref name="pushOne"/>) or the data stops it. The segments go back to back, unpaced
    /// between them: the pacing check is per packet.
    /// </summary>
    private int SendNewPacket(int mssNow, int quota, Nagle nonagle, bool pushOne)
    {
        var skbLength = _writeQueue.HeadEnd(_streamNext) - _streamNext;
        var limit = PacketLimit(mssNow, quota, nonagle, skbLength);
        var sent = 0;

        // No whole segment of the skb fits in the peer's window (tcp_snd_wnd_test()).
        _rwndLimited |= limit <= 0;
        if (limit > 0 && !pushOne && skbLength > mssNow && TsoShouldDefer(mssNow, skbLength))
        {
            return 0;
        }

        // tcp_write_xmit(): TCP Small Queues after the skb is cut to what leaves now.
        if (limit > 0 && SmallQueueHolds(SkbOverhead + Math.Min(limit, skbLength), retransmission: false))
        {
            return 0;
        }

        while (limit > 0 && SendNewSegment(mssNow, limit, sent > 0, nonagle, out var length))
        {
            sent++;
            limit -= length;
        }

        return sent;
    }

    /// <summary>
    /// The bytes of the head skb (<paramref name="skbLength"/> of them) that leave now as one
    /// packet: one segment when the skb holds no more (tcp_init_tso_segs()); otherwise
    /// tcp_mss_split_point() with the segments cwnd leaves room for,
    /// at most the TSO size: the whole allowance when the window admits it and more data follows
    /// the skb, else what the window admits of the skb, less a last partial segment Nagle holds
    /// back. Nothing (0) when the window cannot take the skb's first segment whole (tcp_snd_wnd_test()).
    /// </summary>
    private int PacketLimit(int mssNow, int quota, Nagle nonagle, long skbLength)
    {
        if (skbLength <= mssNow)
        {
            return skbLength > 0 ? (int)skbLength : mssNow;
        }

        var maxLength = (long)mssNow * Math.Min(quota, TsoSegments(mssNow));
        var window = (long)(SendWindowEnd - SndNxt);
        if (window < mssNow)
        {
            return 0;
        }

        if (maxLength <= window && !_writeQueue.HeadIsTail(_streamNext))
        {
            return (int)Math.Min(maxLength, skbLength);
        }

        var needed = Math.Min(skbLength, window);
        if (maxLength <= needed)
        {
            return (int)maxLength;
        }

        // A partial last segment waits while Nagle holds it (tcp_nagle_check()).
        var partial = needed % mssNow;
        return (int)(partial != 0 && NagleHolds(partial: true, nonagle) ? needed - partial : needed);
    }
}
