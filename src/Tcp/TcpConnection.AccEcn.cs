using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// Accurate ECN (RFC 9768) as Linux implements it (include/net/tcp_ecn.h, tcp_input.c,
/// tcp_output.c, tcp_minisocks.c): negotiated with AE, CWR and ECE in the handshake, the SYN-ACK
/// and the handshake's last ACK reflecting the IP ECN field they answer; then every segment's ACE
/// field (AE, CWR, ECE) carries the count of CE-marked packets received, modulo 8 from 5, and the
/// AccECN option the bytes received ECT(0), CE and ECT(1). The data sender turns the ACE field's
/// increase into packets delivered CE-marked (tp->delivered_ce), with the option's byte counters
/// to tell how often ACE wrapped, and reduces its window as for ECE (FLAG_ECE).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>The ACE field's counter modulus less one (TCP_ACCECN_CEP_ACE_MASK).</summary>
    private const int AceMask = 7;

    /// <summary>CE marks received and not yet fed back that make the next ACK go at once (TCP_ACCECN_ACE_MAX_DELTA).</summary>
    private const int AceMaxDelta = 6;

    /// <summary>The ACE counter's initial value, so that a zeroed field shows (TCP_ACCECN_CEP_INIT_OFFSET).</summary>
    private const uint CepInitOffset = 5;

    /// <summary>The ECT(0) and ECT(1) byte counters' initial value (TCP_ACCECN_E0B_INIT_OFFSET, TCP_ACCECN_E1B_INIT_OFFSET); CE's is 0.</summary>
    private const uint EctBytesInitOffset = 1;

    /// <summary>The option with its three fields (TCP_ACCECN_MAXSIZE).</summary>
    private const int AccEcnOptionMaxBytes = 2 + (3 * AccEcnOption.FieldBytes);

    /// <summary>Bytes of one SACK block (TCPOLEN_SACK_PERBLOCK).</summary>
    private const int SackBlockBytes = 8;

    /// <summary>A byte counter crossing a 2^22 boundary asks for the option (tcp_ecn_received_counters()).</summary>
    private const uint EcnBytesOptionStep = 0xFFC0_0000;

    /// <summary>pkts_acked_ewma's gain, 1/2^6, and its fixed point, 6 bits (PKTS_ACKED_WEIGHT, PKTS_ACKED_PREC).</summary>
    private const int PacketsAckedShift = 6;

    /// <summary>Above this many packets per ACK on average the ACKs are compressed and a large ACK does not mean ACE wrapped (ACK_COMP_THRESH).</summary>
    private const uint AckCompressionThreshold = 4;

    private const EcnFlags EcnModeMask = EcnFlags.Ok | EcnFlags.AccEcn;

    private EcnByteCounters _receivedEcnBytes;
    private EcnByteCounters _deliveredEcnBytes;
    private uint _receivedCe;
    private int _receivedCePending;
    private int _accEcnMinimumFields;
    private int _accEcnOptionDemand;
    private EcnCodepoint _estimatedEcnField;
    private bool _hasEstimatedEcnField;
    private EcnCodepoint _previousEcnField;
    private EcnCodepoint _synEctSent;
    private EcnCodepoint _synEctReceived;
    private SimTime _accEcnOptionSentAt;
    private uint _packetsAckedEwma;
    private bool _accEcnOptionSentWithDsack;

    /// <summary>A request's SYN-ACK is being sent again for a retransmitted SYN (inet_rtx_syn_ack(), TCP_SYNACK_RETRANS).</summary>
    private bool _answeringRetransmittedSyn;

    /// <summary>The ACE flags the segment being built reflects instead of the CE count (TCPHDR_ACE in tcp_flags: the handshake's last ACK).</summary>
    private TcpFlags _reflectedAce;

    /// <summary>Packets received CE-marked, pure ACKs included (tp->received_ce), the count the ACE field carries.</summary>
    public uint ReceivedCe => _receivedCe;

    /// <summary>Payload bytes received per ECN codepoint (tp->received_ecn_bytes), what the option carries.</summary>
    public EcnByteCounters ReceivedEcnBytes => _receivedEcnBytes;

    /// <summary>Payload bytes the peer's option reports per codepoint (tp->delivered_ecn_bytes).</summary>
    public EcnByteCounters DeliveredEcnBytes => _deliveredEcnBytes;

    /// <summary>What has been seen of the peer's AccECN option (tp->saw_accecn_opt).</summary>
    public AccEcnOptionSeen AccEcnOptionSeen { get; private set; }

    /// <summary>What of Accurate ECN failed (tp->accecn_fail_mode).</summary>
    public AccEcnFailMode AccEcnFailMode { get; private set; }

    /// <summary>ECN of either kind is in use or being asked for (tcp_ecn_mode_any()).</summary>
    public bool EcnNegotiated => (EcnFlags & EcnModeMask) != 0;

    /// <summary>RFC 3168 feedback (tcp_ecn_mode_rfc3168()).</summary>
    public bool EcnModeRfc3168 => (EcnFlags & EcnModeMask) == EcnFlags.Ok;

    /// <summary>Accurate ECN feedback (tcp_ecn_mode_accecn()).</summary>
    public bool EcnModeAccEcn => (EcnFlags & EcnModeMask) == EcnFlags.AccEcn;

    /// <summary>Accurate ECN asked for and not yet answered (tcp_ecn_mode_pending()).</summary>
    private bool EcnModePending => (EcnFlags & EcnModeMask) == EcnModeMask;

    private void SetEcnMode(EcnFlags mode) => EcnFlags = (EcnFlags & ~EcnModeMask) | mode;

    /// <summary>The ACE field: AE, CWR and ECE as a number (tcp_accecn_ace()).</summary>
    private static int Ace(Packet packet) =>
        ((packet.Flags & TcpFlags.Ae) != 0 ? 4 : 0) | ((packet.Flags & TcpFlags.Cwr) != 0 ? 2 : 0) | ((packet.Flags & TcpFlags.Ece) != 0 ? 1 : 0);

    private static TcpFlags AceFlags(int ace) =>
        ((ace & 4) != 0 ? TcpFlags.Ae : TcpFlags.None) | ((ace & 2) != 0 ? TcpFlags.Cwr : TcpFlags.None) | ((ace & 1) != 0 ? TcpFlags.Ece : TcpFlags.None);

    /// <summary>A SYN asks for Accurate ECN with any ACE but none and ECE|CWR (RFC 9768 §3.1.2; tcp_accecn_syn_requested()).</summary>
    private static bool AccEcnRequestedBy(Packet syn) => Ace(syn) is not 0 and not 3;

    /// <summary>The ACE a SYN-ACK or the handshake's last ACK answers an IP ECN field with (RFC 9768 Table 2; tcp_accecn_reflector_flags()).</summary>
    private static TcpFlags ReflectorFlags(EcnCodepoint received) => AceFlags(received switch
    {
        EcnCodepoint.NotEct => 0b010,
        EcnCodepoint.Ect1 => 0b011,
        EcnCodepoint.Ect0 => 0b100,
        _ => 0b110,
    });

    /// <summary>The IP ECN field a reflected ACE says arrived (RFC 9768 Table 2; tcp_accecn_extract_syn_ect()).</summary>
    private static EcnCodepoint ReflectedEct(int ace) => ace switch
    {
        0b000 or 0b100 => EcnCodepoint.Ect0,
        0b010 => EcnCodepoint.NotEct,
        0b110 => EcnCodepoint.Ce,
        _ => EcnCodepoint.Ect1,
    };

    /// <summary>Whether a path could have turned <paramref name="sent"/> into <paramref name="received"/> (tcp_ect_transition_valid()): only ECT to CE or to the other ECT.</summary>
    private static bool EctTransitionValid(EcnCodepoint sent, EcnCodepoint received) =>
        received == sent || (sent != EcnCodepoint.NotEct && received != EcnCodepoint.NotEct && sent != EcnCodepoint.Ce);

    /// <summary>
    /// The option's first counters checked for zeroing by a middlebox (RFC 9768 §3.2.3.2.2;
    /// tcp_accecn_option_init()): the ECT fields start at 1, so 0 means the option was mangled.
    /// </summary>
    private static AccEcnOptionSeen OptionSeen(AccEcnOption option) => option.FieldCount switch
    {
        0 => AccEcnOptionSeen.Empty,
        _ when option.FieldAt(0) == 0 => AccEcnOptionSeen.Failed,
        < 3 => AccEcnOptionSeen.Counters,
        _ => option.FieldAt(2) == 0 ? AccEcnOptionSeen.Failed : AccEcnOptionSeen.Counters,
    };

    /// <summary>tcp_accecn_saw_opt_fail_recv(): a mangled option stops the peer's counters being used.</summary>
    private void SawAccEcnOption(AccEcnOptionSeen seen)
    {
        AccEcnOptionSeen = seen;
        if (seen == AccEcnOptionSeen.Failed)
        {
            AccEcnFailMode |= AccEcnFailMode.OptionReceive;
        }
    }

    /// <summary>The first option a handshake segment carries (tcp_check_req(), tcp_ecn_rcv_synack()).</summary>
    private void NoteHandshakeAccEcnOption(Packet packet)
    {
        if (packet.HasAccEcn && AccEcnOptionSeen < AccEcnOptionSeen.Counters)
        {
            SawAccEcnOption(OptionSeen(packet.AccEcn));
        }
    }

    /// <summary>
    /// tcp_validate_incoming() for a SYN on an Accurate ECN connection: the first option with
    /// counters it carries is noted and asks for the option on the next ACK.
    /// </summary>
    private void NoteSynAccEcnOption(Packet syn)
    {
        if (syn.HasAccEcn && AccEcnOptionSeen < AccEcnOptionSeen.Counters)
        {
            SawAccEcnOption(OptionSeen(syn.AccEcn));
            _accEcnOptionDemand = Math.Max(_accEcnOptionDemand, 1);
        }
    }

    /// <summary>
    /// tcp_accecn_validate_syn_feedback(): with tcp_ecn_fallback, feedback claiming a codepoint the
    /// path could not have made of the one sent marks the ACE field as failed.
    /// </summary>
    private bool SynFeedbackValid(int ace, EcnCodepoint sent)
    {
        if (!Settings.EcnFallback || EctTransitionValid(sent, ReflectedEct(ace)))
        {
            return true;
        }

        AccEcnFailMode |= AccEcnFailMode.AceReceive;
        return false;
    }

    /// <summary>
    /// Linux tcp_ecn_rcv_synack() (RFC 9768 Table 2): the SYN-ACK's ACE decides the feedback mode.
    /// 000 and 111 leave ECN off, 001 (ECE alone, an RFC 3168 server) turns an Accurate ECN
    /// request into RFC 3168 ECN, any other is Accurate ECN, the reserved 101 too (Linux's
    /// serverside_accecn_disabled1 selftest): the SYN-ACK's IP ECN field is what the last ACK
    /// reflects, its option is noted, and a CE-marked SYN-ACK is the first CE counted.
    /// </summary>
    private void ReceiveSynAckEcn(Packet synAck)
    {
        var ace = Ace(synAck);
        switch (ace)
        {
            case 0b000 or 0b111:
                SetEcnMode(EcnFlags.None);
                break;
            case 0b001:
                if (EcnModePending)
                {
                    SetEcnMode(EcnFlags.Ok);
                }

                break;
            default:
                SetEcnMode(EcnFlags.AccEcn);
                _synEctReceived = synAck.Ecn;
                if (synAck.HasAccEcn && AccEcnOptionSeen < AccEcnOptionSeen.Counters)
                {
                    SawAccEcnOption(OptionSeen(synAck.AccEcn));
                    _accEcnOptionDemand = 2;
                }

                if (synAck.Ecn == EcnCodepoint.Ce && SynFeedbackValid(ace, _synEctSent))
                {
                    _receivedCe++;
                    _receivedCePending++;
                }

                break;
        }
    }

    /// <summary>
    /// Linux tcp_ecn_rcv_syn(): in a simultaneous open the peer's SYN answers an Accurate ECN
    /// request with its own (Accurate ECN, reflecting its IP ECN field) or with RFC 3168's ECE|CWR;
    /// RFC 3168 ECN needs both flags.
    /// </summary>
    private void ReceiveCrossingSynEcn(Packet syn)
    {
        if (EcnModePending)
        {
            if (!AccEcnRequestedBy(syn))
            {
                SetEcnMode(EcnFlags.Ok);
            }
            else
            {
                _synEctReceived = syn.Ecn;
                _previousEcnField = syn.Ecn;
                SetEcnMode(EcnFlags.AccEcn);
            }
        }

        if (EcnModeRfc3168 && (syn.Flags & (TcpFlags.Ece | TcpFlags.Cwr)) != (TcpFlags.Ece | TcpFlags.Cwr))
        {
            SetEcnMode(EcnFlags.None);
        }
    }

    /// <summary>
    /// The handshake's last ACK reaching an Accurate ECN request (tcp_check_req() and
    /// tcp_ecn_openreq_child()): its option is noted, its ACE checked against the SYN-ACK sent
    /// (tcp_accecn_third_ack(), RFC 9768 Table 4: 000 is invalid, a reflection of a codepoint the
    /// SYN-ACK could not have become fails the ACE field, a reflected CE is the first CE delivered),
    /// and its own IP ECN field counted.
    /// </summary>
    private void ReceiveHandshakeAccEcnAck(Packet ack)
    {
        NoteHandshakeAccEcnOption(ack);
        var ace = Ace(ack);
        if (ace == 0)
        {
            AccEcnFailMode |= AccEcnFailMode.AceReceive;
        }
        else if (ace is not (0b001 or 0b101 or 0b111) && ack.SequenceLength == 0 && ack.SackBlockCount == 0
            && SynFeedbackValid(ace, _synEctSent) && ReflectedEct(ace) == EcnCodepoint.Ce && DeliveredCe == 0)
        {
            DeliveredCe++;
        }

        _previousEcnField = _synEctReceived;
        _accEcnOptionDemand = 1;
        CountReceivedEcn(ack);
    }

    /// <summary>
    /// Linux tcp_ecn_received_counters(): every segment that passed validation counts toward
    /// the ACE field when CE-marked and toward its codepoint's byte counter with its payload. A
    /// change of codepoint asks for an ACK at once (two, so that the latter shows the field
    /// unambiguously), and both it and a CE mark ask for the option on the next two ACKs.
    /// </summary>
    private void CountReceivedEcn(Packet packet)
    {
        var field = packet.Ecn;
        var ce = field == EcnCodepoint.Ce;
        if (field != EcnCodepoint.NotEct)
        {
            if (!EcnModeRfc3168)
            {
                EcnFlags |= EcnFlags.Seen;
            }

            if (ce)
            {
                _receivedCe++;
                _receivedCePending = Math.Min(_receivedCePending + 1, 0xF);
            }

            if (packet.PayloadLength > 0)
            {
                var before = _receivedEcnBytes.Of(field);
                _receivedEcnBytes.Add(field, (uint)packet.PayloadLength);
                _accEcnMinimumFields = Math.Max(_accEcnMinimumFields, OptionFieldsToReach(field));
                if (((_receivedEcnBytes.Of(field) ^ before) & EcnBytesOptionStep) != 0)
                {
                    _accEcnOptionDemand = Math.Max(_accEcnOptionDemand, 1);
                }
            }
        }

        var edge = _previousEcnField != field;
        if (edge || ce)
        {
            _previousEcnField = field;
            if (EcnModeAccEcn)
            {
                if (edge)
                {
                    _ackNow = true;
                }

                _accEcnOptionDemand = 2;
            }
        }
    }

    /// <summary>The option fields, in Linux's order (ECT(1), CE, ECT(0)), needed to carry a codepoint's counter (tcp_ecnfield_to_accecn_optfield()).</summary>
    private static int OptionFieldsToReach(EcnCodepoint field) => field switch
    {
        EcnCodepoint.Ect1 => 1,
        EcnCodepoint.Ce => 2,
        EcnCodepoint.Ect0 => 3,
        _ => 0,
    };

    /// <summary>
    /// The ACE field and IP ECN field of a segment of an Accurate ECN connection (tcp_ecn_send(),
    /// tcp_accecn_set_ace()): every segment is ECT unless the ACE field failed, and carries the
    /// CE count plus 5, or the handshake reflection it was built with.
    /// </summary>
    private TcpFlags MarkAccEcn(TcpFlags flags)
    {
        _ectOnSocket = (AccEcnFailMode & (AccEcnFailMode.AceReceive | AccEcnFailMode.AceSend)) == 0;
        flags &= ~(TcpFlags.Ae | TcpFlags.Cwr | TcpFlags.Ece);
        if (_reflectedAce != TcpFlags.None)
        {
            return flags | _reflectedAce;
        }

        _receivedCePending = 0;
        return flags | AceFlags((int)((_receivedCe + CepInitOffset) & AceMask));
    }

    /// <summary>
    /// A request's SYN-ACK: the ACE reflecting the SYN's IP ECN field, none from the second
    /// retransmission on, the SYN-ACK perhaps being dropped for its flags (RFC 9768 §3.1.4.2).
    /// </summary>
    private TcpFlags AccEcnSynAckFlags() =>
        !IsFullSocket && _synAckRetransmissions >= 2 ? TcpFlags.None : ReflectorFlags(_synEctReceived);

    /// <summary>
    /// A retransmitted SYN reaching an Accurate ECN request (tcp_check_req()): its IP ECN field is
    /// the one the next SYN-ACK reflects, and one no longer asking for Accurate ECN (its ACE
    /// cleared on the way) keeps the connection's packets from being ECT.
    /// </summary>
    private void ReceiveRetransmittedSynEcn(Packet syn)
    {
        if (!EcnModeAccEcn)
        {
            return;
        }

        _synEctReceived = syn.Ecn;
        if (!AccEcnRequestedBy(syn))
        {
            AccEcnFailMode |= AccEcnFailMode.AceSend;
            _ectOnSocket = false;
        }
    }

    /// <summary>tcp_send_ack_reflect_ect(): an ACK whose ACE reflects <paramref name="received"/> (the handshake's last ACK, the answer to a SYN).</summary>
    private void SendAckReflecting(EcnCodepoint received)
    {
        _reflectedAce = ReflectorFlags(received);
        SendAck();
        _reflectedAce = TcpFlags.None;
    }
}
