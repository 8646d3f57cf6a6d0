using System.Runtime.InteropServices;
using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// A segment sent and not yet acknowledged: one entry of the retransmission queue, with the
/// scoreboard bits Linux keeps in TCP_SKB_CB(skb)->sacked (TCPCB_SACKED_ACKED, TCPCB_LOST, TCPCB_SACKED_RETRANS,
/// TCPCB_EVER_RETRANS). Laid out by the runtime (longs first, flags packed last) rather than in
/// declaration order: 88 bytes instead of 104, so a window's ring is 15% less memory to walk.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public struct SentSegment
{
    public SequenceNumber Start;

    /// <summary>Sequence space used: payload, plus one for a SYN and one for a FIN.</summary>
    public int SequenceLength;

    public int PayloadLength;

    /// <summary>The application-stream offset of the first payload byte.</summary>
    public long StreamOffset;

    public bool Syn;
    public bool Fin;

    /// <summary>Ends an skb tcp_mark_push() marked: sent with PSH, and retransmitted with it (Linux keeps it in the skb's tcp_flags).</summary>
    public bool Psh;

    /// <summary>Ends an skb a send(MSG_EOR) closed: a retransmission takes in nothing after it (tcp_skb_can_collapse_to()).</summary>
    public bool Eor;

    /// <summary>
    /// The last segment of the TSO packet it was last sent in: where Linux's retransmission queue
    /// has an skb boundary, which a retransmitted packet does not cross.
    /// </summary>
    public bool EndsPacket;

    /// <summary>When the segment was first sent, for RTT samples (Karn's rule voids retransmitted ones).</summary>
    public SimTime FirstSent;

    /// <summary>When the segment was last (re)transmitted (tcp_skb_timestamp_us()), for RACK.</summary>
    public SimTime LastSent;

    /// <summary>Selectively acknowledged by the peer (TCPCB_SACKED_ACKED).</summary>
    public bool Sacked;

    /// <summary>Marked lost and due for retransmission (TCPCB_LOST).</summary>
    public bool Lost;

    /// <summary>Retransmitted and still counted in retrans_out (TCPCB_SACKED_RETRANS).</summary>
    public bool Retransmitted;

    /// <summary>Retransmitted at least once (TCPCB_EVER_RETRANS): its ACK gives no RTT sample.</summary>
    public bool EverRetransmitted;

    /// <summary>The connection's delivered count when this segment was last sent (TCP_SKB_CB(skb)->tx.delivered).</summary>
    public long TxDelivered;

    /// <summary>When the connection last had something delivered, as of this send; Never once SACKed, so it gives one sample (tx.delivered_mstamp).</summary>
    public SimTime TxDeliveredTime;

    /// <summary>The send time of the most recently delivered segment as of this send: the start of its send phase (tx.first_tx_mstamp).</summary>
    public SimTime TxFirstSent;

    /// <summary>Sent while the application left the connection idle (tx.is_app_limited).</summary>
    public bool TxAppLimited;

    /// <summary>Packets in flight once this segment was sent, itself included (tx.in_flight, tcp_set_tx_in_flight()).</summary>
    public int TxInFlight;

    /// <summary>The connection's lost count when this segment was last sent (tx.lost).</summary>
    public long TxLost;

    /// <summary>The connection's delivered_ce when this segment was last sent (tx.delivered_ce).</summary>
    public long TxDeliveredCe;

    public readonly SequenceNumber End => Start + SequenceLength;
}
