using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;
using NetSim.Tcp.Timestamping;

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
/// tskey is overwritten by the next write appended to it. SO_TIMESTAMPING asks for the same
/// keys from the socket (tcp_tx_timestamp()): its SCHED, SND and ACK timestamps go to the
/// socket's error queue (<see cref="TxTimestamped"/>).
/// </summary>
public sealed partial class TcpConnection : ITxTimestampObserver
{
    /// <summary>SK_BPF_CB_TX_TIMESTAMPING in sk_bpf_cb_flags.</summary>
    public const int BpfTxTimestampingFlag = 1;

    /// <summary>sk->sk_bpf_cb_flags (6.15): socket-level BPF callbacks, set with setsockopt(SK_BPF_CB_FLAGS).</summary>
    public int BpfCallbackFlags { get; set; }

    /// <summary>sk->sk_tsflags: setsockopt(SO_TIMESTAMPING)'s flags (<see cref="SetTimestamping"/>).</summary>
    public TimestampingFlags TimestampingFlags { get; private set; }

    /// <summary>The socket's transmit timestamps (SO_TIMESTAMPING), each for its error queue (sock_queue_err_skb()).</summary>
    public event Action<TcpConnection, TxTimestampReport>? TxTimestamped;

    /// <summary>sk->sk_tskey: where SOF_TIMESTAMPING_OPT_ID's IDs count from.</summary>
    private SequenceNumber _timestampIdBase;

    /// <summary>
    /// A write's last byte that asked for timestamps: from the sock_ops program
    /// (bpf_sock_ops_enable_tx_tstamp()), from the socket's flags (<see cref="ForSocket"/>), or both;
    /// with the payload of the segment that carried it.
    /// </summary>
    private readonly record struct TimestampedByte(SequenceNumber Key, int Length, bool ForProgram, TimestampingFlags ForSocket);

    /// <summary>The keys asked for and not yet acknowledged, in sequence order.</summary>
    private readonly List<TimestampedByte> _txTimestampKeys = [];

    private readonly SockOpsSkb _timestampSkb = new();

    /// <summary>
    /// Where the TSO packet whose segment is being sent ends, set for new data: its first segment
    /// carries the packet's timestamps, the others none. Unset, a segment stands for itself.
    /// </summary>
    private SequenceNumber? _timestampedPacketEnd;

    /// <summary>
    /// Linux sock_set_timestamping(): flags <see cref="TimestampingAccepted"/> refuses are
    /// -EINVAL; OPT_ID newly set counts IDs from SND.UNA, with OPT_ID_TCP from the write sequence.
    /// </summary>
    public int SetTimestamping(TimestampingFlags flags)
    {
        var newlyCounting = (flags & TimestampingFlags.OptId) != 0 && (TimestampingFlags & TimestampingFlags.OptId) == 0;
        if (!TimestampingAccepted(flags, unconnected: newlyCounting && State is TcpState.Closed or TcpState.Listen))
        {
            return InvalidArgument;
        }

        if (newlyCounting)
        {
            _timestampIdBase = (flags & TimestampingFlags.OptIdTcp) != 0 ? Iss + 1 + (int)_bytesWritten : SndUna;
        }

        TimestampingFlags = flags;
        return 0;
    }

    /// <summary>
    /// sock_set_timestamping()'s checks: no unknown flag, OPT_ID_TCP only with OPT_ID, OPT_STATS
    /// only with OPT_TSONLY, and OPT_ID not on a socket closed or listening
    /// (<paramref name="unconnected"/>), which has no sequence to count from.
    /// </summary>
    public static bool TimestampingAccepted(TimestampingFlags flags, bool unconnected) =>
        (flags & ~TimestampingFlags.All) == 0
        && ((flags & TimestampingFlags.OptIdTcp) == 0 || (flags & TimestampingFlags.OptId) != 0)
        && !(unconnected && (flags & TimestampingFlags.OptId) != 0)
        && ((flags & TimestampingFlags.OptStats) == 0 || (flags & TimestampingFlags.OptTsOnly) != 0);

    /// <summary>
    /// tcp_tx_timestamp() after a write that queued data: the tail of the data not yet sent is
    /// keyed for the socket's transmit timestamps, and for the program's if TSTAMP_SENDMSG_CB asks.
    /// </summary>
    private void OnWriteQueued()
    {
        var programListens = (BpfCallbackFlags & BpfTxTimestampingFlag) != 0 && SockOps is not null;
        var forSocket = TimestampingFlags & TimestampingFlags.TxRecord;
        if (!programListens && forSocket == 0)
        {
            return;
        }

        var key = Iss + 1 + (int)(_bytesWritten - 1);
        var tail = (int)((NotSentBytes - 1) % Mss) + 1;
        var forProgram = false;
        if (programListens)
        {
            CallSockOps(SockOp.TstampSendmsgCb, segment: _timestampSkb.ForTimestamp(null, key.Value, tail, 0));
            forProgram = _timestampSkb.TxTimestampRequested;
        }

        if (forProgram || forSocket != 0)
        {
            _txTimestampKeys.Add(new TimestampedByte(key, tail, forProgram, forSocket));
        }
    }

    /// <summary>
    /// For a data segment about to go: the latest key its TSO packet carries (earlier ones in it
    /// are dropped), its SCHED timestamp as it enters the device, and the segment marked for the
    /// driver's timestamps.
    /// </summary>
    private void TimestampOnTransmit(Packet packet, SequenceNumber seq, int payloadLength)
    {
        var end = _timestampedPacketEnd ?? seq + payloadLength;
        _timestampedPacketEnd = null;
        if (_txTimestampKeys.Count == 0 || payloadLength == 0)
        {
            return;
        }

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

        var keyed = _txTimestampKeys[found] with { Length = payloadLength };
        _txTimestampKeys[found] = keyed;
        if (keyed.ForProgram)
        {
            CallSockOps(SockOp.TstampSchedCb, segment: _timestampSkb.ForTimestamp(packet, keyed.Key.Value, packet.SizeBytes, 0));
        }

        if ((keyed.ForSocket & TimestampingFlags.TxSched) != 0)
        {
            ReportTxTimestamp(TxTimestampPoint.Scheduled, keyed.Key);
        }

        if (keyed.ForProgram || (keyed.ForSocket & TimestampingFlags.TxSoftware) != 0)
        {
            packet.TxTimestamps = this;
            packet.TxTimestampKey = keyed.Key.Value;
        }
    }

    /// <summary>
    /// The driver's software timestamp, then the NIC's hardware one, both as the first bit leaves.
    /// A key already acknowledged (a retransmission that left after its original's ACK) is
    /// reported as the socket and the program now ask.
    /// </summary>
    void ITxTimestampObserver.OnTransmitted(Packet packet, uint key)
    {
        if (State is TcpState.Closed)
        {
            return;
        }

        var index = IndexOfTimestampKey(key);
        var forProgram = index >= 0 ? _txTimestampKeys[index].ForProgram : (BpfCallbackFlags & BpfTxTimestampingFlag) != 0;
        var forSocket = index >= 0 ? _txTimestampKeys[index].ForSocket : TimestampingFlags;
        if (forProgram)
        {
            CallSockOps(SockOp.TstampSndSwCb, segment: _timestampSkb.ForTimestamp(packet, key, packet.SizeBytes, 0));
            CallSockOps(SockOp.TstampSndHwCb, segment: _timestampSkb.ForTimestamp(packet, key, packet.SizeBytes, Simulation.Now.Nanoseconds));
        }

        if ((forSocket & TimestampingFlags.TxSoftware) != 0)
        {
            ReportTxTimestamp(TxTimestampPoint.Sent, new SequenceNumber(key));
        }
    }

    private int IndexOfTimestampKey(uint key)
    {
        for (var i = 0; i < _txTimestampKeys.Count; i++)
        {
            if (_txTimestampKeys[i].Key.Value == key)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>tcp_ack_tstamp(): the ACK timestamps of each key the cumulative ACK has passed (prior_snd_una &lt;= key &lt; snd_una).</summary>
    private void TimestampAcked(SequenceNumber priorUna)
    {
        while (_txTimestampKeys.Count > 0 && _txTimestampKeys[0].Key < SndUna)
        {
            var keyed = _txTimestampKeys[0];
            _txTimestampKeys.RemoveAt(0);
            if (keyed.Key < priorUna)
            {
                continue;
            }

            if (keyed.ForProgram)
            {
                CallSockOps(SockOp.TstampAckCb, segment: _timestampSkb.ForTimestamp(null, keyed.Key.Value, keyed.Length, 0));
            }

            if ((keyed.ForSocket & TimestampingFlags.TxAck) != 0)
            {
                ReportTxTimestamp(TxTimestampPoint.Acknowledged, keyed.Key);
            }
        }
    }

    /// <summary>
    /// __skb_complete_tx_timestamp(): the report for the error queue, its ID the key's offset from
    /// sk_tskey under SOF_TIMESTAMPING_OPT_ID, else 0.
    /// </summary>
    private void ReportTxTimestamp(TxTimestampPoint point, SequenceNumber key)
    {
        var id = (TimestampingFlags & TimestampingFlags.OptId) != 0 ? (uint)(key - _timestampIdBase) : 0u;
        TxTimestamped?.Invoke(this, new TxTimestampReport(point, id, Simulation.Now));
    }
}
