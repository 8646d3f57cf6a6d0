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

    /// <summary>Of <see cref="Delivered"/>, those reported CE-marked: by ACKs carrying ECE, or by Accurate ECN's ACE field (tp->delivered_ce).</summary>
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

    /// <summary>
    /// Linux tcp_ecn_send_syn(): ask for Accurate ECN with AE, CWR and ECE when tcp_ecn is 3, for
    /// RFC 3168 ECN with ECE and CWR when it is 1 or 4, the algorithm needs ECN, or NEEDS_ECN said so.
    /// </summary>
    private void SetUpEcnForSyn(bool programNeedsEcn)
    {
        EcnFlags = EcnFlags.None;
        _synEcnFlags = TcpFlags.None;
        var accEcn = Settings.Ecn == 3;
        if (accEcn || Settings.Ecn is 1 or 4 || Congestion.NeedsEcn || programNeedsEcn)
        {
            _ectOnSocket = Congestion.NeedsEcn || programNeedsEcn;
            _synEcnFlags = TcpFlags.Ece | TcpFlags.Cwr | (accEcn ? TcpFlags.Ae : TcpFlags.None);
            EcnFlags = (accEcn ? EcnModeMask : EcnFlags.Ok) | LowFromRoute;
            _synEctSent = _ectOnSocket ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
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
    /// The ECN answer of the peer's SYN-ACK (tcp_ecn_rcv_synack(), when ECN was asked for) or, in a
    /// simultaneous open, of its SYN (tcp_ecn_rcv_syn()).
    /// </summary>
    private void ReceiveHandshakeEcn(Packet syn)
    {
        if ((syn.Flags & TcpFlags.Ack) == 0)
        {
            ReceiveCrossingSynEcn(syn);
        }
        else if (EcnNegotiated)
        {
            ReceiveSynAckEcn(syn);
        }
    }

    /// <summary>
    /// Linux tcp_ecn_create_request(): a SYN asking for Accurate ECN gets it when tcp_ecn is 3 or
    /// more, its IP ECN field kept for the SYN-ACK to reflect. A SYN with ECE and CWR gets RFC 3168
    /// ECN when tcp_ecn is not 0 and the SYN is not ECT (or carries AE), or when the algorithm or
    /// NEEDS_ECN wants ECN.
    /// </summary>
    private void AcceptSynEcn(Packet syn, bool programNeedsEcn)
    {
        if (AccEcnRequestedBy(syn) && Settings.Ecn >= 3)
        {
            EcnFlags = EcnFlags.AccEcn | LowFromRoute;
            _synEctReceived = syn.Ecn;
            _ectOnSocket = Congestion.NeedsEcn || programNeedsEcn;
            return;
        }

        if ((syn.Flags & (TcpFlags.Ece | TcpFlags.Cwr)) != (TcpFlags.Ece | TcpFlags.Cwr))
        {
            return;
        }

        var ect = syn.Ecn != EcnCodepoint.NotEct && (syn.Flags & TcpFlags.Ae) == 0;
        if ((!ect && Settings.Ecn != 0) || Congestion.NeedsEcn || programNeedsEcn)
        {
            EcnFlags = EcnFlags.Ok | LowFromRoute;
            _ectOnSocket = Congestion.NeedsEcn || programNeedsEcn;
        }
    }

    /// <summary>
    /// The ECN bits of an outgoing segment and its IP ECN field. The first SYN asks; a
    /// retransmitted one does not (tcp_ecn_clear_syn() with tcp_ecn_fallback), an Accurate ECN
    /// SYN only from its second retransmission. A SYN-ACK answers with ECE, or under Accurate ECN
    /// with the ACE reflecting the SYN's IP ECN field (tcp_ecn_make_synack(), tcp_ecn_send_synack()).
    /// Later segments follow tcp_ecn_send(): Accurate ECN's on every segment, or RFC 3168's: new
    /// data is ECT(0) and carries the queued CWR, retransmissions and pure ACKs are not ECT unless
    /// the algorithm needs ECN or made ECT permanent, and ECE goes out while DEMAND_CWR is set.
    /// </summary>
    private TcpFlags MarkEcn(Packet packet, SequenceNumber seq, int payloadLength, TcpFlags flags)
    {
        if ((flags & TcpFlags.Syn) != 0)
        {
            if ((flags & TcpFlags.Ack) == 0)
            {
                if (Settings.EcnFallback && Retransmits > (EcnModePending ? 1 : 0))
                {
                    _synEcnFlags = TcpFlags.None;
                }

                flags |= _synEcnFlags;
            }
            else if (EcnModeAccEcn)
            {
                flags |= AccEcnSynAckFlags();
                _synEctSent = _ectOnSocket ? EcnCodepoint.Ect0 : EcnCodepoint.NotEct;
            }
            else if (EcnModeRfc3168)
            {
                flags |= TcpFlags.Ece;
            }
        }
        else if (EcnModeAccEcn)
        {
            flags = MarkAccEcn(flags);
        }
        else if (EcnModeRfc3168)
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
        if (!EcnModeRfc3168 || (packet.Flags & TcpFlags.Cwr) == 0)
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
    /// Linux tcp_data_ecn_check() for a data segment: under RFC 3168 CE starts echoing (with quick
    /// ACKs, the sender may have a small window); a non-ECT segment after ECT ones is probably a
    /// retransmission and is ACKed quickly. An algorithm that wants CE events hears of every
    /// arrival. Accurate ECN counts codepoints in <see cref="CountReceivedEcn"/>.
    /// </summary>
    private void CheckCe(Packet packet)
    {
        if (!EcnNegotiated)
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

                if ((EcnFlags & EcnFlags.DemandCwr) == 0 && EcnModeRfc3168)
                {
                    EnterQuickAckMode(2);
                    EcnFlags |= EcnFlags.DemandCwr;
                }

                EcnFlags |= EcnModeRfc3168 ? EcnFlags.Seen : EcnFlags.None;
                break;
            default:
                if (Congestion.WantsCeEvents)
                {
                    Congestion.CwndEvent(this, CaEvent.EcnNoCe);
                }

                EcnFlags |= EcnModeRfc3168 ? EcnFlags.Seen : EcnFlags.None;
                break;
        }
    }

    /// <summary>Linux tcp_ecn_rcv_ecn_echo(): an ACK (not a SYN-ACK) with ECE on a connection that agreed to ECN (FLAG_ECE).</summary>
    private bool IsEcnEcho(Packet packet) =>
        (packet.Flags & (TcpFlags.Ece | TcpFlags.Syn)) == TcpFlags.Ece && EcnModeRfc3168;

    /// <summary>Linux tcp_count_delivered(): every segment newly acknowledged or SACKed, and under RFC 3168 those whose ACK echoed CE.</summary>
    private void CountDelivered(int segments, bool ece)
    {
        Delivered += segments;
        if (ece && EcnModeRfc3168)
        {
            DeliveredCe += segments;
        }
    }

    /// <summary>
    /// Linux tcp_enter_cwr(): ECE on an ACK in Open or Disorder (RFC 3168 §6.1.2), the host's own
    /// qdisc refusing a segment, or an algorithm's delay-based backoff (CDG) reduces the window once (ssthresh from the algorithm, PRR
    /// towards it) without any retransmission. Returns whether it did (not already in CWR, Recovery or Loss).
    /// </summary>
    internal bool EnterCwr()
    {
        _priorSsthresh = 0;
        if (CaState >= CaState.Cwr)
        {
            return false;
        }

        _undoMarker = null;
        InitCwndReduction();
        SetCaState(CaState.Cwr);
        return true;
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
        if (EcnModeRfc3168)
        {
            EcnFlags |= EcnFlags.QueueCwr;
        }
    }
}
