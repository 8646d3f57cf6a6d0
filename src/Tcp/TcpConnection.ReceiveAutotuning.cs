using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// Receive buffer autotuning as Linux runs it (Dynamic Right-Sizing, tcp_rcv_space_adjust()): the
/// receiver estimates the round trip on its own (tcp_rcv_rtt_est, from the timestamps its data
/// echoes or from how long a window's worth of data takes to arrive), counts the bytes the reader
/// took in each such round trip (rcvq_space), and when a round trip's bytes beat the last, grows
/// the buffer to twice them plus room for a sender still doubling its rate (tcp_rcvbuf_grow(),
/// Linux 6.16 and later), at most tcp_rmem[2]. The window clamp follows the buffer. A buffer set
/// with SO_RCVBUF, a fixed one (no <see cref="TcpSettings.ReceiveBufferMax"/>), or
/// tcp_moderate_rcvbuf off does not grow; the estimates are kept regardless (tcpi_rcv_rtt,
/// tcpi_rcv_space).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>rcv_rtt_est.rtt_us: the receiver's RTT estimate in microseconds, scaled by 8; 0 before a sample.</summary>
    private long _rcvRttScaled;

    /// <summary>rcv_rtt_est.seq: the window-based sample completes when rcv_nxt reaches it.</summary>
    private SequenceNumber _rcvRttSeq;

    /// <summary>rcv_rtt_est.time: when the window-based sample started; null before the first data.</summary>
    private SimTime? _rcvRttStart;

    /// <summary>rcv_rtt_last_tsecr: the TSecr the last timestamp sample came from.</summary>
    private uint _rcvRttLastTsecr;

    /// <summary>rcvq_space.space: the most bytes the reader took in one receiver round trip so far.</summary>
    private int _rcvqSpace;

    /// <summary>rcvq_space.seq: copied_seq when the current round trip's count began.</summary>
    private SequenceNumber _rcvqSeq;

    /// <summary>rcvq_space.time: when the current round trip's count began.</summary>
    private SimTime _rcvqTime;

    /// <summary>A reader that takes data as it arrives took some with this segment (<see cref="AdjustReceiveSpaceAfterDelivery"/>).</summary>
    private bool _readerTookData;

    /// <summary>tcpi_rcv_rtt: the receiver's RTT estimate, in microseconds (0 before a sample).</summary>
    public long ReceiverRttMicroseconds => _rcvRttScaled >> 3;

    /// <summary>tcpi_rcv_space: the bytes the reader took in its busiest receiver round trip.</summary>
    public int ReceiveQueueSpace => _rcvqSpace;

    /// <summary>copied_seq: the next byte the reader takes (rcv_nxt less what waits unread, and the FIN it has not read past).</summary>
    private SequenceNumber CopiedSeq => RcvNxt - (int)_receiveBuffer.Unread - (FinReceived ? 1 : 0);

    /// <summary>tcp_moderate_rcvbuf, a buffer that may grow (tcp_rmem[2]), and no SO_RCVBUF (SOCK_RCVBUF_LOCK).</summary>
    private bool ReceiveBufferMayGrow => Settings.ModerateReceiveBuffer && Settings.ReceiveBufferMax is not null && !_receiveBufferLocked;

    /// <summary>
    /// The end of tcp_init_buffer_space(): the first round trip's count starts now, from at most
    /// the initial window, rcv_ssthresh and ten segments of tp->advmss (the timestamps option
    /// already taken off, "tcp: fix initial tp->rcvq_space.space value for passive TS enabled flows").
    /// </summary>
    private void InitReceiveSpace()
    {
        var advmss = AdvertisedMss - (TimestampsAgreed ? TimestampsOptionBytes : 0);
        _rcvqSpace = (int)Math.Min(Math.Min(_rcvSsthresh, RcvWnd), (uint)(InitialCwndSegments * advmss));
        _rcvqSeq = CopiedSeq;
        _rcvqTime = Simulation.Now;
    }

    /// <summary>
    /// tcp_rcv_rtt_measure(), for in-order data that takes rcv_nxt to <paramref name="rcvNxt"/>: a
    /// window-based sample is the time from the first data to the arrival of the byte a window
    /// beyond it. Such samples only lower the estimate.
    /// </summary>
    private void MeasureReceiverRttByWindow(SequenceNumber rcvNxt)
    {
        var now = Simulation.Now;
        if (_rcvRttStart is { } start)
        {
            if (rcvNxt < _rcvRttSeq)
            {
                return;
            }

            UpdateReceiverRtt(Math.Max(1, (now - start).Microseconds), windowDependent: true);
        }

        _rcvRttSeq = rcvNxt + (int)RcvWnd;
        _rcvRttStart = now;
    }

    /// <summary>
    /// tcp_rcv_rtt_measure_ts() in ESTABLISHED: a segment echoing a TSval not seen before, and at
    /// least rcv_mss long, gives the time since that TSval was sent; a zero difference (under a
    /// millisecond) is no sample ("tcp: remove zero TCP TS samples for autotuning").
    /// </summary>
    private void MeasureReceiverRttByTimestamp(Packet packet)
    {
        if (State != TcpState.Established || !TimestampsAgreed || !packet.HasTimestamps || packet.TsEcr == _rcvRttLastTsecr)
        {
            return;
        }

        _rcvRttLastTsecr = packet.TsEcr;
        if (packet.SequenceLength < ReceiveMss)
        {
            return;
        }

        var milliseconds = unchecked(TsNow - packet.TsEcr);
        if (milliseconds > 0 && milliseconds < int.MaxValue / 1000)
        {
            UpdateReceiverRtt(milliseconds * 1000L, windowDependent: false);
        }
    }

    /// <summary>
    /// tcp_rcv_rtt_update(): a sample below the estimate is taken at once ("tcp: always seek for
    /// minimal rtt"); a larger one only from timestamps, smoothed by 1/8, and only while nothing
    /// waits unread ("tcp: skip big rtt sample if receive queue is not empty").
    /// </summary>
    private void UpdateReceiverRtt(long sampleMicroseconds, bool windowDependent)
    {
        var scaled = sampleMicroseconds << 3;
        if (_rcvRttScaled == 0 || scaled < _rcvRttScaled)
        {
            _rcvRttScaled = scaled;
            return;
        }

        if (windowDependent || _receiveBuffer.Unread != 0)
        {
            return;
        }

        _rcvRttScaled = _rcvRttScaled - (_rcvRttScaled >> 3) + sampleMicroseconds;
    }

    /// <summary>
    /// tcp_rcv_space_adjust(), after the reader takes data: once a receiver RTT has passed since
    /// the count began, the bytes taken in it, less those still waiting, grow the buffer if they
    /// beat the busiest round trip so far; a new count begins.
    /// </summary>
    private void AdjustReceiveSpace()
    {
        if (_rcvRttScaled == 0)
        {
            return;
        }

        var now = Simulation.Now;
        if ((now - _rcvqTime).Microseconds < _rcvRttScaled >> 3)
        {
            return;
        }

        var copied = (CopiedSeq - _rcvqSeq) - (int)_receiveBuffer.Unread;
        if (copied > _rcvqSpace)
        {
            GrowReceiveBuffer(copied);
        }

        _rcvqSeq = CopiedSeq;
        _rcvqTime = now;
    }

    /// <summary>
    /// A reader that takes data as it arrives does so once the segment's ACK is decided (its
    /// recvmsg() runs after the softirq): the autotuning counts it then, and tcp_cleanup_rbuf()
    /// sends the ACK that was left for later if the read drained a pushed segment or freed
    /// enough window.
    /// </summary>
    private void AdjustReceiveSpaceAfterDelivery()
    {
        if (_readerTookData)
        {
            _readerTookData = false;
            AdjustReceiveSpace();
            SendWindowUpdateIfWorthIt();
        }
    }

    /// <summary>
    /// tcp_rcvbuf_grow() with the busiest round trip's bytes: the window to offer is twice them
    /// (DRS is a round trip late), plus what a sender doubling its rate adds (in proportion to the
    /// growth since the last, or for a receiver RTT under tcp_rcvbuf_low_rtt in proportion to the
    /// RTT), plus the out-of-order data held; the buffer holding that window, at most tcp_rmem[2],
    /// replaces a smaller one, and the window clamp follows.
    /// </summary>
    private void GrowReceiveBuffer(int space)
    {
        var previous = _rcvqSpace;
        _rcvqSpace = space;
        if (!ReceiveBufferMayGrow || previous <= 0)
        {
            return;
        }

        long window = (long)space << 1;
        var rtt = _rcvRttScaled >> 3;
        var lowRtt = Settings.ReceiveBufferLowRtt.Microseconds;
        window += rtt < lowRtt ? window * rtt / lowRtt : (window << 1) * (space - previous) / previous;
        if (_receiveBuffer.HasOutOfOrder)
        {
            window += _receiveBuffer.OutOfOrderEnd - RcvNxt;
        }

        var buffer = Math.Min(SpaceFromWin(window), Settings.ReceiveBufferMax!.Value);
        if (buffer > ReceiveBufferSize)
        {
            SetReceiveBufferBytes(buffer);
            WindowClamp = (uint)WinFromSpace(buffer);
        }
    }

    /// <summary>
    /// The end of tcp_data_queue_ofo(): out-of-order data held counts toward the window the buffer
    /// must hold, for a socket the application has (accepted, not orphaned).
    /// </summary>
    private void GrowReceiveBufferForOutOfOrder()
    {
        if ((Listener is null || IsAccepted) && !IsOrphaned)
        {
            GrowReceiveBuffer(_rcvqSpace);
        }
    }
}
