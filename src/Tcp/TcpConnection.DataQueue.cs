using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// Linux tcp_data_queue(): received data in order to the reader, out of order held for SACK, the
/// receive memory check, the reader woken, and the peer's FIN (tcp_fin()).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// Linux tcp_data_queue(): in-order data advances rcv_nxt and drains the out-of-order store;
    /// other data is held. Data that arrives again is reported as a D-SACK (RFC 2883 §4).
    /// </summary>
    private void QueueData(Packet packet, SequenceNumber seq)
    {
        AcceptCwr(packet);
        var start = seq;
        var end = seq + packet.PayloadLength;
        var streamOffset = packet.StreamOffset;
        if ((seq - Irs) - 1 != (int)packet.StreamOffset)
        {
            Statistics.IntegrityErrors++;
        }

        if (end <= RcvNxt)
        {
            // Entirely old: a retransmission. D-SACK it and ACK at once in quick-ACK mode.
            CheckAccEcnOptionLost(start);
            SetDuplicateSack(start, end);
            EnterQuickAckMode(Settings.QuickAcks);
            ScheduleImmediateAck();
            return;
        }

        if (start < RcvNxt)
        {
            SetDuplicateSack(start, RcvNxt);
            streamOffset += RcvNxt - start;
            start = RcvNxt;
        }

        // Out of the window, a zero-window probe for one: ACK at once, keep nothing. What starts
        // inside is kept whole (tcp_sequence() has checked where it ends). Data at RCV.NXT met a
        // zero window (TCP_ZEROWINDOW); data beyond it, the window's edge (TCP_OVERWINDOW).
        if (start >= _rcvWup + (int)RcvWnd)
        {
            if (start == RcvNxt)
            {
                Stack.ZeroWindowDrops++;
            }
            else
            {
                Stack.BeyondWindowDrops++;
            }

            EnterQuickAckMode(Settings.QuickAcks);
            ScheduleImmediateAck();
            return;
        }

        if (start > RcvNxt)
        {
            // The peer's segment size is measured on data out of order too (Linux since 2025,
            // "tcp: call tcp_measure_rcv_mss() for ooo packets").
            CheckCe(packet);
            MeasureReceiveMss(packet);
            Statistics.OutOfOrderPackets += packet.GsoSegments;
            QueueOutOfOrder(start, end, Stack.ReceiveTruesize(packet));
            return;
        }

        if (ReceiveMemoryRefuses(packet.PayloadLength))
        {
            return;
        }

        var hadHole = _receiveBuffer.HasOutOfOrder;
        var inOrder = end - start;
        var drained = _receiveBuffer.TakeInOrder(end);
        if (drained.DuplicateEnd > drained.DuplicateStart && SackAgreed)
        {
            _sackBlocks.ExtendDuplicate(drained.DuplicateStart, drained.DuplicateEnd);
        }

        OnInOrderData(packet, inOrder + drained.Taken);
        Deliver(streamOffset, inOrder + drained.Taken);
        CheckCe(packet);
        if (SackAgreed)
        {
            _sackBlocks.OnReceiveNextAdvanced(RcvNxt, _receiveBuffer.HasOutOfOrder);
        }

        _ackPending = true;
        if (hadHole)
        {
            // RFC 5681 §4.2: an ACK that fills a hole goes out at once.
            ScheduleImmediateAck();
        }
    }

    /// <summary>
    /// tcp_data_queue()'s queue_and_out when tcp_try_rmem_schedule() fails: the memory the reader
    /// has not taken back plus the segment's payload would pass sk_rcvbuf (tcp_can_ingest()), so
    /// the ACK goes out at once with a zero window (ICSK_ACK_NOMEM, ICSK_ACK_NOW), and a segment with data is dropped
    /// unless the receive queue is empty (TCPRcvQDrop); a bare FIN, or any segment into an empty
    /// queue, is taken regardless (sk_forced_mem_schedule()). The memory is the unread data at the
    /// scaling ratio; out-of-order data does not count: tcp_prune_ofo_queue() would give it up first.
    /// </summary>
    private bool ReceiveMemoryRefuses(int payloadLength)
    {
        if (SpaceFromWin(_receiveBuffer.Unread) + payloadLength <= ReceiveBufferSize)
        {
            return false;
        }

        _ackNoMemory = true;
        ScheduleImmediateAck();
        var drop = payloadLength > 0 && _receiveBuffer.Unread > 0;
        if (drop)
        {
            Stack.ReceiveQueueDrops++;
        }

        return drop;
    }

    /// <summary>
    /// Linux tcp_data_queue_ofo(): holds the data, D-SACKs what was already held, and updates the
    /// SACK blocks; the window grows for it only with SACK, so that a flow without keeps sending
    /// the duplicate ACKs that trigger fast retransmit, and before the new data is charged to the
    /// buffer (skb_set_owner_r() follows tcp_grow_window()).
    /// </summary>
    private void QueueOutOfOrder(SequenceNumber start, SequenceNumber end, int truesize)
    {
        var heldBefore = _receiveBuffer.OutOfOrderBytes;
        var duplicate = _receiveBuffer.AddOutOfOrder(start, end);
        if (SackAgreed)
        {
            GrowWindow(end - start, truesize, heldBefore - _receiveBuffer.OutOfOrderBytes);
        }

        if (duplicate.End > duplicate.Start)
        {
            SetDuplicateSack(duplicate.Start, duplicate.End);
        }

        if (SackAgreed)
        {
            _sackBlocks.OnOutOfOrder(start, end);
        }

        GrowReceiveBufferForOutOfOrder();
        ScheduleImmediateAck();
    }

    private void SetDuplicateSack(SequenceNumber start, SequenceNumber end)
    {
        if (SackAgreed && Settings.Dsack)
        {
            _sackBlocks.SetDuplicate(start, end);
        }
    }

    /// <summary>
    /// In-order bytes reach the application: at once for an application that reads as data
    /// arrives and waits for no more than a byte; into the receive buffer for one that waits for
    /// SO_RCVLOWAT's bytes (woken after the ACK decision, <see cref="WakeReaderIfReady"/>) and
    /// for one that calls <see cref="Read"/>.
    /// </summary>
    private void Deliver(long streamOffset, int bytes)
    {
        RcvNxt += bytes;
        Statistics.BytesReceived += bytes;
        _receivedStreamEnd = streamOffset + bytes;
        if (ReadsOnArrival && ReceiveLowWatermark == 1)
        {
            Statistics.BytesDelivered += bytes;
            _readerTookData = true;
            DataReceived?.Invoke(this, streamOffset, bytes);
            return;
        }

        _receiveBuffer.AddInOrder(bytes);
        if (!ReadsOnArrival)
        {
            DataReceived?.Invoke(this, streamOffset, bytes);
        }
    }

    /// <summary>The stream offset just past the last in-order byte received.</summary>
    private long _receivedStreamEnd;

    /// <summary>The peer's FIN has been taken in order (SOCK_DONE): it occupies a sequence number the reader meets after the data.</summary>
    public bool FinReceived { get; private set; }

    /// <summary>
    /// Linux tcp_epollin_ready() with sk_rcvlowat, as tcp_data_ready() and tcp_poll() ask it: data
    /// is waiting, and SO_RCVLOWAT's bytes are there, or the buffer is under pressure
    /// (tcp_rmem_pressure(): more than 7/8 of it used), or what is left of the offered window is no
    /// more than a segment.
    /// </summary>
    public bool EpollinReady
    {
        get
        {
            var available = _receiveBuffer.Unread;
            var capacity = _receiveBuffer.Capacity;
            return available > 0
                && (available >= ReceiveLowWatermark
                    || available + _receiveBuffer.OutOfOrderBytes > capacity - (capacity >> 3)
                    || ReceiveWindowNow <= ReceiveMss);
        }
    }

    /// <summary>
    /// Linux tcp_data_ready(): a reader that reads as data arrives is woken, and reads all there is,
    /// once <see cref="EpollinReady"/>, or with data waiting once the peer has finished (SOCK_DONE).
    /// </summary>
    private void WakeReaderIfReady()
    {
        var available = _receiveBuffer.Unread;
        if (!ReadsOnArrival || available == 0)
        {
            return;
        }

        if (EpollinReady || FinReceived)
        {
            var offset = _receivedStreamEnd - available;
            Read(available);
            DataReceived?.Invoke(this, offset, (int)available);
        }
    }

    /// <summary>RFC 9293 §3.10.7.4 eighth step and Linux tcp_fin().</summary>
    private void OnFin()
    {
        RcvNxt += 1;
        Statistics.BytesReceived++;
        FinReceived = true;
        ShutdownState |= SocketShutdown.Receive;
        WakeReaderIfReady();
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                // Linux enters pingpong mode: the ACK waits to ride on the application's answer.
                SetState(TcpState.CloseWait);
                _pingpong = true;
                _ackPending = true;
                break;
            case TcpState.FinWait1:
                SendAck();
                SetState(TcpState.Closing);
                break;
            case TcpState.FinWait2:
                SendAck();
                HandOffToTimeWait(TcpState.TimeWait);
                break;
        }

        RemoteClosed?.Invoke(this);
    }
}
