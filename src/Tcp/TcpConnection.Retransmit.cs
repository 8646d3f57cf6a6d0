using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// Retransmission as __tcp_retransmit_skb() sends it: the lost segments of one packet again as
/// one TSO packet, a timeout's or a loss probe's single segment, each cut to the current MSS or
/// joined with those after it, and RETRANS_CB once per packet tried.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// tcp_xmit_retransmit_queue(): the lost segments from <paramref name="index"/> that went in one
    /// packet go again as one TSO packet, as many as cwnd (without tcp_cwnd_test()'s halving) and
    /// the TSO size allow (__tcp_retransmit_skb() cuts the skb there); returns the segments sent.
    /// </summary>
    private int RetransmitPacket(int index, int mssNow)
    {
        var cause = CaState == CaState.Loss ? _lossCause : RetransmissionCause.FastRetransmit;
        var count = _rtx.LostRun(index, (int)Math.Min(Window.Cwnd - PacketsInFlight, TsoSegments(mssNow)));

        // tcp_xmit_retransmit_queue(): TCP Small Queues, with twice the room for a retransmission.
        var bytes = 0;
        for (var i = index; i < index + count; i++)
        {
            bytes += _rtx[i].PayloadLength;
        }

        return SmallQueueHolds(SkbOverhead + bytes, retransmission: true) ? 0 : RetransmitRun(index, count, cause, out _);
    }

    /// <summary>tcp_retransmit_skb() of one segment (a timeout's head, a loss probe).</summary>
    private RetransmitResult RetransmitOneSegment(int index, RetransmissionCause cause) =>
        RetransmitRun(index, 1, cause, out var dropped) > 0 ? RetransmitResult.Sent : dropped ? RetransmitResult.QdiscDropped : RetransmitResult.WindowClosed;

    /// <summary>
    /// __tcp_retransmit_skb() for the <paramref name="count"/> segments from
    /// <paramref name="index"/> as one packet, at the current MSS it asks for once; returns the
    /// segments sent, and whether the host's qdisc refused the packet. RETRANS_CB follows the
    /// packet, once, with its segment count, and with the error when the qdisc refused it; the
    /// refused packet's segments are all marked ever retransmitted, as the skb is
    /// (TCPCB_EVER_RETRANS whatever the transmit's result).
    /// </summary>
    private int RetransmitRun(int index, int count, RetransmissionCause cause, out bool dropped)
    {
        var mss = CurrentMss();
        var sent = 0;
        var result = RetransmitResult.Sent;
        while (sent < count && (result = RetransmitSegment(index + sent, cause, mss, sent > 0, sent < count - 1)) == RetransmitResult.Sent)
        {
            sent++;
        }

        dropped = sent == 0 && result == RetransmitResult.QdiscDropped;
        if (sent > 0)
        {
            RetransCallback(_rtx[index].Start, sent);
        }
        else if (dropped)
        {
            for (var i = 0; i < count; i++)
            {
                _rtx.MarkRetransmissionTried(index + i);
            }

            RetransCallback(_rtx[index].Start, count, TransmitDropped);
        }

        return sent;
    }

    /// <summary>What became of a segment __tcp_retransmit_skb() tried.</summary>
    private enum RetransmitResult
    {
        Sent,

        /// <summary>-EAGAIN: it lies beyond a window the peer has shrunk.</summary>
        WindowClosed,

        /// <summary>The host's qdisc refused it (NET_XMIT_DROP).</summary>
        QdiscDropped,
    }

    /// <summary>
    /// The end of __tcp_retransmit_skb() for a packet it tried: RETRANS_CB, when the program set
    /// its flag, with the packet's first sequence number, its segment count and the transmit
    /// result (0 sent, <see cref="TransmitDropped"/> refused by the host's qdisc).
    /// </summary>
    private void RetransCallback(SequenceNumber start, int segments, int result = 0)
    {
        if (FlagSet(SockOpsCallbackFlags.Retrans))
        {
            CallSockOps(SockOp.RetransCb, start.Value, (uint)segments, (uint)result);
        }
    }

    /// <summary>
    /// Linux tcp_retransmit_skb() and __tcp_retransmit_skb() for one segment of a packet: resends
    /// it at <paramref name="mss"/>, the current MSS. A loss probe goes through
    /// __tcp_retransmit_skb() alone, so it is not counted in retrans_out. Not sent when the
    /// segment lies beyond a window the peer has shrunk and is not the first unacknowledged one, or
    /// when the host's qdisc refuses it.
    /// <paramref name="packetContinues"/> and <paramref name="morePacket"/>: segments of the same
    /// TSO packet went before it and follow it; the last of several carries the PSH
    /// __tcp_transmit_skb() forces on the packet, and all carry the header options of the first.
    /// </summary>
    private RetransmitResult RetransmitSegment(int index, RetransmissionCause cause, int mss, bool packetContinues, bool morePacket)
    {
        if (QdiscRefuses())
        {
            return RetransmitResult.QdiscDropped;
        }

        // __tcp_retransmit_skb(): what may go is the current MSS (less than the segment when a
        // program has reserved option space since it was sent) within the window left from the
        // segment's start; with none left, only the first unacknowledged segment goes, as a probe.
        // A longer segment is cut to it (tcp_fragment()), the rest staying queued as a segment of
        // its own; a shorter one takes in those after it (tcp_retrans_try_collapse()).
        var availableWindow = SendWindowEnd - _rtx[index].Start;
        if (availableWindow <= 0)
        {
            if (_rtx[index].Start != SndUna)
            {
                return RetransmitResult.WindowClosed;
            }

            availableWindow = mss;
        }

        var length = mss;
        if (length > availableWindow)
        {
            length = availableWindow / mss * mss;
            length = length == 0 ? availableWindow : length;
        }

        if (_rtx[index].PayloadLength > length)
        {
            _rtx.Split(index, length);
        }
        else
        {
            CollapseRetransmission(index, Math.Min(availableWindow, mss));
        }

        _rtx.SetEndsPacket(index, !morePacket);
        ref var segment = ref _rtx[index];
        var psh = segment.Psh || (packetContinues && !morePacket);
        var flags = (segment.Syn ? TcpFlags.Syn : TcpFlags.Ack) | (segment.Fin ? TcpFlags.Fin : TcpFlags.None) | (psh ? TcpFlags.Psh : TcpFlags.None);
        if (State != TcpState.SynSent && segment.Syn)
        {
            flags |= TcpFlags.Ack;
        }

        var nothingInFlight = PacketsInFlight == 0;
        _rate.SkbSent(ref segment, PacketsOut, PacketsInFlight, Counts, Simulation.Now);
        Transmit(segment.Start, segment.PayloadLength, segment.StreamOffset, flags, continuesPacket: packetContinues);
        if (segment.PayloadLength > 0)
        {
            OnDataSent(nothingInFlight);
        }

        if (_retransStamp == Sim.Kernel.SimTime.Zero)
        {
            _retransStamp = segment.FirstSent;
        }

        if (cause != RetransmissionCause.LossProbe)
        {
            NoteRetransmissionForUndo();
        }

        var start = segment.Start;
        var sequenceLength = segment.SequenceLength;
        if (cause == RetransmissionCause.LossProbe)
        {
            _rtx.MarkProbed(index, Simulation.Now);
        }
        else
        {
            _rtx.MarkRetransmitted(index, Simulation.Now);
        }

        Statistics.TotalRetransmissions++;
        Statistics.BytesRetransmitted += segment.PayloadLength;
        if (cause == RetransmissionCause.FastRetransmit)
        {
            Statistics.FastRetransmits++;
        }

        // Linux tcp_xmit_retransmit_queue(): retransmitting the head restarts the RTO, unless the
        // reordering timer holds the retransmission timer.
        if (index == 0 && cause != RetransmissionCause.LossProbe && !ReorderingTimerPending)
        {
            ArmRetransmitTimer();
        }

        Observer?.OnRetransmission(this, start, sequenceLength, cause);
        return RetransmitResult.Sent;
    }

    /// <summary>
    /// Linux tcp_retrans_try_collapse() (sysctl tcp_retrans_collapse, on by default): while the
    /// segment being retransmitted is shorter than <paramref name="space"/> (the MSS within the
    /// window left from its start), the next sent segment joins it if it is not SACKed, fits in
    /// what is left and ends inside the peer's window. A SYN takes in nothing, nor does a segment
    /// that ends a record (tcp_skb_can_collapse()).
    /// </summary>
    private void CollapseRetransmission(int index, int space)
    {
        ref var to = ref _rtx[index];
        if (to.Syn || to.Sacked || to.PayloadLength >= space)
        {
            return;
        }

        space -= to.PayloadLength;
        while (index + 1 < _rtx.Count && !to.Eor)
        {
            ref var next = ref _rtx[index + 1];
            space -= next.PayloadLength;
            if (next.Sacked || space < 0 || next.End > SendWindowEnd)
            {
                return;
            }

            _rtx.MergeNext(index);
        }
    }
}
