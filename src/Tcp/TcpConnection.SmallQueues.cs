using NetSim.Sim.Network;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Tcp;

/// <summary>
/// TCP Small Queues (Linux tcp_output.c, with <see cref="TcpSettings.SmallQueueThrottling"/>): every segment
/// that is not a pure ACK is charged to the socket (sk_wmem_alloc, by its skb truesize) until its
/// host's device has put it on the wire or dropped it (tcp_wfree()). The sender holds the next
/// packet while more than twice its truesize, or a millisecond of data at the pacing rate if that
/// is more, waits below it (tcp_small_queue_check()), and sends on when one is freed (the TSQ
/// handler). A TSO packet's charge is spread over its segments, each given back as it leaves the
/// device, where a NIC doing TSO gives the whole skb's back after its last.
/// </summary>
public sealed partial class TcpConnection : ITransmitCompletion
{
    /// <summary>sk_wmem_alloc: the truesize of this socket's segments still in its host's qdisc and device.</summary>
    private long _bytesBelowSocket;

    /// <summary>TSQ_THROTTLED: the sender held a packet back and waits for one of its own to be freed.</summary>
    private bool _smallQueueThrottled;

    /// <summary>The TSQ handler, run as soon as the completion that wakes it is over (a BH work item in Linux).</summary>
    private Timer? _smallQueueHandler;

    /// <summary>The bytes of this socket's segments waiting in or being sent by its host's device.</summary>
    public long BytesBelowSocket => _bytesBelowSocket;

    /// <summary>
    /// tcp_small_queue_check(): true, with the socket marked throttled, when more than the limit
    /// already waits below it for an skb of <paramref name="truesize"/> bytes; the limit is twice
    /// that truesize or a millisecond at the pacing rate, whichever is more, within
    /// tcp_limit_output_bytes when nothing paces the socket, doubled for a retransmission
    /// (<paramref name="retransmission"/>). A retransmission queue of one skb at most never holds.
    /// </summary>
    private bool SmallQueueHolds(long truesize, bool retransmission)
    {
        if (!Settings.SmallQueueThrottling)
        {
            return false;
        }

        var limit = Math.Max(2 * truesize, (long)(PacingRate >> PacingShift));
        if (!PacingEnabled)
        {
            limit = Math.Min(limit, Settings.LimitOutputBytes);
        }

        if (retransmission)
        {
            limit <<= 1;
        }

        if (_bytesBelowSocket <= limit || _rtx.Packets <= 1)
        {
            return false;
        }

        _smallQueueThrottled = true;
        return true;
    }

    /// <summary>
    /// __tcp_transmit_skb(): a segment that is not a pure ACK is charged until it is freed
    /// (skb_set_owner_w(), tcp_wfree()): its payload, and the skb's overhead on the first segment
    /// of its TSO packet (<paramref name="continuesPacket"/> false), so that a packet's segments
    /// together carry the skb's truesize.
    /// </summary>
    private void ChargeBelowSocket(Packet packet, bool continuesPacket)
    {
        if (!Settings.SmallQueueThrottling || packet.SequenceLength == 0)
        {
            return;
        }

        packet.Truesize = (continuesPacket ? 0 : SkbOverhead) + packet.PayloadLength;
        packet.TransmitCompletion = this;
        _bytesBelowSocket += packet.Truesize;
    }

    /// <summary>tcp_wfree(): the charge comes back; a throttled socket has its handler queued.</summary>
    void ITransmitCompletion.OnTransmitCompleted(Packet packet)
    {
        _bytesBelowSocket -= packet.Truesize;
        if (!_smallQueueThrottled)
        {
            return;
        }

        _smallQueueThrottled = false;
        _smallQueueHandler ??= new Timer(Simulation, OnSmallQueueHandler);
        if (!_smallQueueHandler.IsArmed)
        {
            _smallQueueHandler.Arm(Simulation.Now);
        }
    }

    /// <summary>tcp_tsq_write(): in a state that sends data, retransmit what is lost and send what waits.</summary>
    private void OnSmallQueueHandler()
    {
        if (State is TcpState.Established or TcpState.FinWait1 or TcpState.Closing or TcpState.CloseWait or TcpState.LastAck)
        {
            PushPendingFrames();
        }
    }
}
