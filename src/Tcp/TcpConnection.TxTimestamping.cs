using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// BPF TX timestamping (Linux 6.15, "bpf: net: support tx timestamping via bpf"): with
/// SK_BPF_CB_TX_TIMESTAMPING in sk_bpf_cb_flags, every write that queues data runs
/// TSTAMP_SENDMSG_CB (tcp_tx_timestamp()); a program that calls bpf_sock_ops_enable_tx_tstamp()
/// there marks the write's last byte (tskey), and the segment that carries it then runs
/// TSTAMP_SCHED_CB on entering the device layer (__dev_queue_xmit()), TSTAMP_SND_SW_CB when the
/// driver hands it to the NIC, TSTAMP_SND_HW_CB with the NIC's hardware timestamp, on every
/// transmission, and TSTAMP_ACK_CB once the cumulative ACK covers it (tcp_ack_tstamp()). When
/// two writes' last bytes travel in one segment, only the later key is reported, as a tail skb's
/// tskey is overwritten by the next write appended to it.
/// </summary>
public sealed partial class TcpConnection : ITxTimestampObserver
{
    /// <summary>SK_BPF_CB_TX_TIMESTAMPING in sk_bpf_cb_flags.</summary>
    public const int BpfTxTimestampingFlag = 1;

    /// <summary>sk->sk_bpf_cb_flags (6.15): socket-level BPF callbacks, set with setsockopt(SK_BPF_CB_FLAGS).</summary>
    public int BpfCallbackFlags { get; set; }

    /// <summary>The keys asked for and not yet acknowledged, in sequence order, with the payload of the segment that carried each.</summary>
    private readonly List<(SequenceNumber Key, int Length)> _txTimestampKeys = [];

    private readonly SockOpsSkb _timestampSkb = new();

    /// <summary>tcp_tx_timestamp() after a write that queued data: TSTAMP_SENDMSG_CB, on the tail of the data not yet sent.</summary>
    private void OnWriteQueued()
    {
        if ((BpfCallbackFlags & BpfTxTimestampingFlag) == 0 || SockOps is null)
        {
            return;
        }

        var key = Iss + 1 + (int)(_bytesWritten - 1);
        var tail = (int)((NotSentBytes - 1) % Mss) + 1;
        CallSockOps(SockOp.TstampSendmsgCb, segment: _timestampSkb.ForTimestamp(null, key.Value, tail, 0));
        if (_timestampSkb.TxTimestampRequested)
        {
            _txTimestampKeys.Add((key, tail));
        }
    }

    /// <summary>
    /// For a data segment about to go: the latest key it carries (earlier ones in it are dropped),
    /// TSTAMP_SCHED_CB as it enters the device, and the packet marked for the driver's timestamps.
    /// </summary>
    private void TimestampOnTransmit(Packet packet, SequenceNumber seq, int payloadLength)
    {
        if (_txTimestampKeys.Count == 0 || payloadLength == 0)
        {
            return;
        }

        var end = seq + payloadLength;
        var found = -1;
        for (var i = 0; i < _txTimestampKeys.Count && _txTimestampKeys[i].Key < end; i++)
        {
            if (_txTimestampKeys[i].Key >= seq)
            {
                if (found >= 0)
                {
                    _txTimestampKeys.RemoveAt(found);
                    i--;
                }

                found = i;
            }
        }

        if (found < 0)
        {
            return;
        }

        var key = _txTimestampKeys[found].Key;
        _txTimestampKeys[found] = (key, payloadLength);
        CallSockOps(SockOp.TstampSchedCb, segment: _timestampSkb.ForTimestamp(packet, key.Value, packet.SizeBytes, 0));
        packet.TxTimestamps = this;
        packet.TxTimestampKey = key.Value;
    }

    /// <summary>The driver's software timestamp, then the NIC's hardware one, both as the first bit leaves.</summary>
    void ITxTimestampObserver.OnTransmitted(Packet packet, uint key)
    {
        if (State is TcpState.Closed)
        {
            return;
        }

        CallSockOps(SockOp.TstampSndSwCb, segment: _timestampSkb.ForTimestamp(packet, key, packet.SizeBytes, 0));
        CallSockOps(SockOp.TstampSndHwCb, segment: _timestampSkb.ForTimestamp(packet, key, packet.SizeBytes, Simulation.Now.Nanoseconds));
    }

    /// <summary>tcp_ack_tstamp(): TSTAMP_ACK_CB for each key the cumulative ACK has passed (prior_snd_una &lt;= key &lt; snd_una).</summary>
    private void TimestampAcked(SequenceNumber priorUna)
    {
        while (_txTimestampKeys.Count > 0 && _txTimestampKeys[0].Key < SndUna)
        {
            var (key, length) = _txTimestampKeys[0];
            _txTimestampKeys.RemoveAt(0);
            if (key >= priorUna)
            {
                CallSockOps(SockOp.TstampAckCb, segment: _timestampSkb.ForTimestamp(null, key.Value, length, 0));
            }
        }
    }
}
