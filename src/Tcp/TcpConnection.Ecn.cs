using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// Explicit Congestion Notification (RFC 3168) as Linux does it (tcp_ecn_* in tcp_input.c and
/// tcp_output.c): negotiated in the handshake, ECT(0) on new data only, CE echoed with ECE on every
/// ACK until the sender's CWR, and the sender's reduction through the CWR state, at most once per
/// window. An algorithm that needs ECN (DCTCP) has ECT on every packet and hears of each CE and
/// non-CE arrival.
/// </summary>
public sealed partial class TcpConnection
{
    private TcpFlags _synEcnFlags;

    /// <summary>The socket's ECT bit, set by INET_ECN_xmit() and cleared by INET_ECN_dontxmit().</summary>
    private bool _ectOnSocket;

    /// <summary>tp->ecn_flags.</summary>
    public EcnFlags EcnFlags { get; private set; }

    /// <summary>Segments delivered to the peer, acknowledged or SACKed (tp->delivered).</summary>
    public long Delivered { get; private set; }

    /// <summary>
    /// ack_sample.in_flight of the ACK being processed (tcp_clean_rtx_queue()): mss_cache times the
    /// segments delivered since the rate sample's prior_delivered, the data that was in flight when
    /// the newest acknowledged segment left.
    /// </summary>
    public long AckSampleInFlight => (long)Mss * (Delivered - _rate.Sample.PriorDelivered);

    /// <summary>Of <see cref="Delivered"/>, those reported by ACKs carrying ECE (tp->delivered_ce).</summary>
    public long DeliveredCe { get; private set; }

    /// <summary>Clears or sets DEMAND_CWR, the receiver's ECE on outgoing ACKs; DCTCP sets it per CE state (dctcp_ece_ack_cwr()).</summary>
    internal void SetEcnEcho(bool echo) =>
        EcnFlags = echo ? EcnFlags | EcnFlags.DemandCwr : EcnFlags & ~EcnFlags.DemandCwr;

    /// <summary>INET_ECN_dontxmit(): no more ECT on this connection's packets (DCTCP falling back to Reno).</summary>
    internal void StopEct() => _ectOnSocket = false;

    /// <summary>A delayed ACK is waiting for its timer (ICSK_ACK_TIMER).</summary>
    internal bool DelayedAckPending => _delayedAckTimer.IsArmed;

    /// <summary>ICSK_ACK_NOW: the segment being processed is acknowledged at once.</summary>
    internal void RequestImmediateAck() => _ackNow = true;

    /// <summary>
    /// Linux __tcp_send_ack(sk, rcv_nxt): an ACK for <paramref name="ack"/>, which may lie below
    /// RCV.NXT (DCTCP's ACK for the data before a CE change). Only an ACK for RCV.NXT itself counts
    /// as the delayed ACK sent (tcp_event_ack_sent()).
    /// </summary>
    internal void SendAckFor(SequenceNumber ack) => Transmit(SndNxt, 0, _streamNext, TcpFlags.Ack, ack);

    /// <summary>Linux tcp_ecn_send_syn(): ask for ECN with ECE and CWR when tcp_ecn is 1, the algorithm needs it, or NEEDS_ECN said so.</summary>
    private void SetUpEcnForSyn(bool programNeedsEcn)
    {
        EcnFlags = EcnFlags.None;
        _synEcnFlags = TcpFlags.None;
        if (Settings.Ecn == 1 || Congestion.NeedsEcn || programNeedsEcn)
        {
            _synEcnFlags = TcpFlags.Ece | TcpFlags.Cwr;
            EcnFlags = EcnFlags.Ok | LowFromRoute;
            _ectOnSocket = Congestion.NeedsEcn || programNeedsEcn;
        }
    }

    /// <summary>tcp_set_ecn_low_from_dst(): the route's ecn_low feature, for both the active and the passive side.</summary>
    private EcnFlags LowFromRoute => Settings.EcnLow ? EcnFlags.Low : EcnFlags.None;

    /// <summary>Every packet is ECT, retransmissions and pure ACKs too: the algorithm needs ECN (tcp_ca_needs_ecn()) or made ECT permanent.</summary>
    private bool EctOnEveryPacket => Congestion.NeedsEcn || (EcnFlags & EcnFlags.EctPermanent) != 0;

    /// <summary>BBRv3's bbr_init(): with ECN and a shallow-marking route, every packet is ECT.</summary>
    internal void MakeEctPermanent()
    {
        EcnFlags |= EcnFlags.EctPermanent;
        _ectOnSocket = true;
    }

    /// <summary>
    /// Linux tcp_ecn_rcv_synack(): a SYN-ACK with ECE and without CWR agrees; in a simultaneous
    /// open, tcp_ecn_rcv_syn(): the peer's SYN must carry both. Anything else leaves ECN off.
    /// </summary>
    private void ReceiveHandshakeEcn(Packet syn)
    {
        var ece = (syn.Flags & TcpFlags.Ece) != 0;
        var cwr = (syn.Flags & TcpFlags.Cwr) != 0;
        var agreed = (syn.Flags & TcpFlags.Ack) != 0 ? ece && !cwr : ece && cwr;
        if (!agreed)
        {
            EcnFlags &= ~EcnFlags.Ok;
        }
    }

    /// <summary>
    /// Linux tcp_ecn_create_request(): a SYN with ECE and CWR is accepted when tcp_ecn is not 0 and
    /// the SYN is not ECT itself, or when the algorithm or NEEDS_ECN wants ECN.
    /// </summary>
    private void AcceptSynEcn(Packet syn, bool programNeedsEcn)
    {
        if ((syn.Flags & (TcpFlags.Ece | TcpFlags.Cwr)) != (TcpFlags.Ece | TcpFlags.Cwr))
        {
            return;
        }

        var ect = syn.Ecn != EcnCodepoint.NotEct;
        if ((!ect && Settings.Ecn != 0) || Congestion.NeedsEcn || programNeedsEcn)
        {
            EcnFlags = EcnFlags.Ok | LowFromRoute;
            _ectOnSocket = Congestion.NeedsEcn || programNeedsEcn;
        }
    }

    /// <summary>
    /// The ECN bits of an outgoing segment and its IP ECN field. The first SYN asks (a
    /// retransmitted one does not: tcp_ecn_clear_syn() with tcp_ecn_fallback); a SYN-ACK answers
    /// with ECE (tcp_ecn_send_synack()); later segments follow tcp_ecn_send(): new data is ECT(0)
    /// and carries the queued CWR, retransmissions and pure ACKs are not ECT unless the algorithm
    /// needs ECN or made ECT permanent, and ECE goes out while DEMAND_CWR is set.
    /// </summary>
    private TcpFlags MarkEcn(Packet packet, SequenceNumber seq, int payloadLength, TcpFlags flags)
    {
        if ((flags & TcpFlags.Syn) != 0)
        {
            if ((flags & TcpFlags.Ack) == 0)
            {
                flags |= _synEcnFlags;
                _synEcnFlags = TcpFlags.None;
            }
            else if ((EcnFlags & EcnFlags.Ok) != 0)
            {
                flags |= TcpFlags.Ece;
            }
        }
        else if ((EcnFlags & EcnFlags.Ok) != 0)
        {
            if (payloadLength > 0 && seq >= SndNxt)
            {
                _ectOnSocket = true;
                if ((EcnFlags & EcnFlags.QueueCwr) != 0)
                {
                    EcnFlags &= ~EcnFlags.QueueCwr;
                    flags |= TcpFlags.Cwr;
                }
            }
            else if (!EctOnEveryPacket)
            {
                _ectOnSocket = false;
            }

            if ((EcnFlags & EcnFlags.DemandCwr) != 0)
            {
                flags |= TcpFlags.Ece;
            }
        }

        packet.Ecn = _ectOnSocket ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
        return flags;
    }

    /// <summary>Linux tcp_ecn_accept_cwr(): the sender reduced its window; stop echoing, and ACK its data at once, since its cwnd may be small.</summary>
    private void AcceptCwr(Packet packet)
    {
        if ((packet.Flags & TcpFlags.Cwr) == 0)
        {
            return;
        }

        EcnFlags &= ~EcnFlags.DemandCwr;
        if (packet.PayloadLength > 0)
        {
            _ackNow = true;
        }
    }

    /// <summary>
    /// Linux tcp_ecn_check_ce() for a data segment: CE starts echoing (with quick ACKs, the sender
    /// may have a small window); a non-ECT segment after ECT ones is probably a retransmission and
    /// is ACKed quickly. An algorithm that wants CE events hears of every arrival.
    /// </summary>
    private void CheckCe(Packet packet)
    {
        if ((EcnFlags & EcnFlags.Ok) == 0)
        {
            return;
        }

        switch (packet.Ecn)
        {
            case EcnCodepoint.NotEct:
                if ((EcnFlags & EcnFlags.Seen) != 0)
                {
                    EnterQuickAckMode(2);
                }

                break;
            case EcnCodepoint.Ce:
                Statistics.CeReceived++;
                if (Congestion.WantsCeEvents)
                {
                    Congestion.CwndEvent(this, CaEvent.EcnIsCe);
                }

                if ((EcnFlags & EcnFlags.DemandCwr) == 0)
                {
                    EnterQuickAckMode(2);
                    EcnFlags |= EcnFlags.DemandCwr;
                }

                EcnFlags |= EcnFlags.Seen;
                break;
            default:
                if (Congestion.WantsCeEvents)
                {
                    Congestion.CwndEvent(this, CaEvent.EcnNoCe);
                }

                EcnFlags |= EcnFlags.Seen;
                break;
        }
    }

    /// <summary>Linux tcp_ecn_rcv_ecn_echo(): an ACK (not a SYN-ACK) with ECE on a connection that agreed to ECN (FLAG_ECE).</summary>
    private bool IsEcnEcho(Packet packet) =>
        (packet.Flags & (TcpFlags.Ece | TcpFlags.Syn)) == TcpFlags.Ece && (EcnFlags & EcnFlags.Ok) != 0;

    /// <summary>Linux tcp_count_delivered(): every segment newly acknowledged or SACKed, and those whose ACK echoed CE.</summary>
    private void CountDelivered(int segments, bool ece)
    {
        Delivered += segments;
        if (ece)
        {
            DeliveredCe += segments;
        }
    }

    /// <summary>
    /// Linux tcp_enter_cwr(): ECE on an ACK in Open or Disorder reduces the window once (ssthresh
    /// from the algorithm, PRR towards it) without any retransmission (RFC 3168 §6.1.2).
    /// </summary>
    private void EnterCwr()
    {
        _priorSsthresh = 0;
        if (CaState < CaState.Cwr)
        {
            _undoMarker = null;
            Statistics.EcnReductions++;
            InitCwndReduction();
            SetCaState(CaState.Cwr);
        }
    }

    /// <summary>
    /// Linux tcp_init_cwnd_reduction(): high_seq marks the window being reduced, ssthresh comes
    /// from the algorithm, PRR starts over, and with ECN the next new segment carries CWR.
    /// </summary>
    private void InitCwndReduction()
    {
        _highSeq = SndNxt;
        Window.CwndCount = 0;
        _priorCwnd = Window.Cwnd;
        _prrDelivered = 0;
        _prrOut = 0;
        Window.Ssthresh = Congestion.Ssthresh(Window);
        QueueCwr();
    }

    /// <summary>Linux tcp_end_cwnd_reduction(): cwnd lands on ssthresh, and the algorithm hears CA_EVENT_COMPLETE_CWR.</summary>
    private void EndCwndReduction()
    {
        if (Congestion is IModelBasedCongestionControl)
        {
            return;
        }

        // Unless the reduction was undone.
        if (Window.Ssthresh < CongestionWindow.InfiniteSsthresh && (CaState == CaState.Cwr || _undoMarker is not null))
        {
            Window.Cwnd = Window.Ssthresh;
        }

        Congestion.CwndEvent(this, CaEvent.CompleteCwr);
    }

    /// <summary>Linux tcp_ecn_queue_cwr(): the next new data segment tells the receiver the window was reduced.</summary>
    private void QueueCwr()
    {
        if ((EcnFlags & EcnFlags.Ok) != 0)
        {
            EcnFlags |= EcnFlags.QueueCwr;
        }
    }
}
