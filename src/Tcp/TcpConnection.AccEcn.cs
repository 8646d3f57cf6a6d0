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

    /// <summary>
    /// The SYN-ACK's option, its counters all at their initial values (tcp_synack_options(), and
    /// tcp_syn_options() for a simultaneous open's): with tcp_ecn_option on, not on a request
    /// socket's retransmitted SYN-ACK, nor after a simultaneous open's second retransmission.
    /// </summary>
    private void WriteSynAckAccEcnOption(Packet packet)
    {
        var remaining = Packet.MaxOptionBytes - packet.TcpOptionsLength;
        var resent = IsFullSocket && !FastOpenRequestPending ? Retransmits >= 2 : _synAckRetransmissions > 0 || _answeringRetransmittedSyn;
        if (!EcnModeAccEcn || Settings.EcnOption == 0 || resent || remaining < 2)
        {
            return;
        }

        // tcp_synack_options_combine_saving(): bytes that may take the place of alignment NOPs.
        var combine = packet.SackPermitted && !packet.HasTimestamps ? 2 : packet.WindowScaleOption >= 0 ? 1 : 0;
        var sackBlocks = 0;
        var (fields, size) = FitAccEcnOption(0, remaining, combine, ref sackBlocks);
        WriteAccEcnFields(packet, fields, size, default);
    }

    /// <summary>
    /// The option on a segment of an Accurate ECN connection (tcp_established_options()): once the
    /// peer has sent one, unless sending it failed (tcp_ecn_option 3 sends it regardless), on every
    /// segment under tcp_ecn_option 2, and under 1 when the counters ask for it or the beacon is
    /// due. It takes what space the timestamps and SACK blocks leave, with as many fields as fit
    /// but never fewer than the latest codepoint needs, at the cost of SACK blocks beyond two.
    /// Returns the SACK blocks still to be written.
    /// </summary>
    private int WriteAccEcnOption(Packet packet, int sackBlocks)
    {
        var hadDsack = _sackBlocks.HasDuplicate;
        if (!AccEcnOptionDue)
        {
            _accEcnOptionSentWithDsack = false;
            return sackBlocks;
        }

        var remaining = Packet.MaxOptionBytes - (packet.HasTimestamps ? TimestampsOptionBytes : 0) - (sackBlocks > 0 ? 4 + (SackBlockBytes * sackBlocks) : 0);
        var (fields, size) = FitAccEcnOption(_accEcnMinimumFields, remaining, sackBlocks > 0 ? 2 : 0, ref sackBlocks);
        if (fields < 0)
        {
            _accEcnOptionSentWithDsack = false;
            return sackBlocks;
        }

        WriteAccEcnFields(packet, fields, size, _receivedEcnBytes);
        _accEcnMinimumFields = 0;
        _accEcnOptionSentAt = Simulation.Now;
        _accEcnOptionSentWithDsack = hadDsack;
        _accEcnOptionDemand = Math.Max(0, _accEcnOptionDemand - 1);
        return sackBlocks;
    }

    /// <summary>Whether the next established segment carries the option (tcp_established_options()'s test).</summary>
    private bool AccEcnOptionDue =>
        EcnModeAccEcn && Settings.EcnOption != 0 && AccEcnOptionSeen != AccEcnOptionSeen.NotSeen
        && (Settings.EcnOption >= 3 || (AccEcnFailMode & AccEcnFailMode.OptionSend) == 0)
        && (Settings.EcnOption >= 2 || _accEcnOptionDemand > 0 || AccEcnBeaconDue);

    /// <summary>tcp_accecn_option_beacon_check(): under tcp_ecn_option 1 the option goes at least tcp_ecn_option_beacon times per smoothed RTT.</summary>
    private bool AccEcnBeaconDue =>
        Settings.EcnOptionBeacon != 0 && (Simulation.Now - _accEcnOptionSentAt).Microseconds * Settings.EcnOptionBeacon >= Rtt.SrttUs8 >> 3;

    /// <summary>
    /// Linux tcp_options_fit_accecn(): the most fields (3 down to <paramref name="required"/>) that
    /// fit in <paramref name="remaining"/> bytes, the option padded to four bytes unless its last
    /// byte or two can take the place of up to <paramref name="combine"/> alignment NOPs; when even
    /// the required fields do not fit, SACK blocks beyond two give way. Returns the fields (-1: no
    /// option) and the option's bytes once aligned.
    /// </summary>
    private static (int Fields, int Size) FitAccEcnOption(int required, int remaining, int combine, ref int sackBlocks)
    {
        var size = AccEcnOptionMaxBytes;
        var fields = 3;
        var reducedBlocks = 0;
        while (fields >= required)
        {
            var aligned = (size & 3) > combine ? (size + 3) & ~3 : size & ~3;
            if (remaining >= aligned)
            {
                size = aligned;
                break;
            }

            if (fields == required && sackBlocks > 2 && required > 0)
            {
                sackBlocks--;
                reducedBlocks++;
                remaining += SackBlockBytes;
                fields = 3;
                size = AccEcnOptionMaxBytes;
                continue;
            }

            fields--;
            size -= AccEcnOption.FieldBytes;
        }

        if (fields < required)
        {
            sackBlocks += reducedBlocks;
            return (-1, 0);
        }

        return (fields, size);
    }

    /// <summary>tcp_options_write(): the option in Linux's order, ECT(1) first, each counter from its initial offset.</summary>
    private static void WriteAccEcnFields(Packet packet, int fields, int size, EcnByteCounters received)
    {
        if (fields < 0)
        {
            return;
        }

        packet.HasAccEcn = true;
        var option = packet.AccEcn;
        option.Order1 = true;
        option.FieldCount = fields;
        option.E1b = received.Ect1 + EctBytesInitOffset;
        option.Ceb = received.Ce;
        option.E0b = received.Ect0 + EctBytesInitOffset;
        option.AlignedBytes = size;
    }

    /// <summary>
    /// The option bytes tcp_current_mss() takes off the MSS while the option is due on every
    /// segment: the established options' size with no SACK block (the simulated MSS does not shrink for those).
    /// </summary>
    private int AccEcnMssReduction()
    {
        if (!AccEcnOptionDue)
        {
            return 0;
        }

        var sackBlocks = 0;
        var (fields, size) = FitAccEcnOption(_accEcnMinimumFields, Packet.MaxOptionBytes - (TimestampsAgreed ? TimestampsOptionBytes : 0), 0, ref sackBlocks);
        return fields < 0 ? 0 : size;
    }

    /// <summary>
    /// Linux tcp_accecn_process() for an ACK that made progress (acknowledged or SACKed data, or
    /// a newer timestamp): the option's counters first, then the ACE field's increase over
    /// delivered_ce, modulo 8. When more packets were delivered than the field can count, the
    /// CE bytes the option reports (or, without it, how compressed ACKs usually are) decide
    /// between the increase as read and the most it could be (safe_delta). Returns the packets
    /// newly delivered CE-marked, which make the ACK an ECE one.
    /// </summary>
    private uint ProcessAccEcnFeedback(Packet ack, uint deliveredPackets, uint deliveredBytes, bool progress, bool slowPath, bool synAcked, bool firstDataAcked)
    {
        if (!progress)
        {
            return 0;
        }

        var priorCeBytes = _deliveredEcnBytes.Ce;
        var optionDeltasValid = ProcessAccEcnOption(ack, deliveredBytes, slowPath);
        if (deliveredPackets > 0)
        {
            var ewma = _packetsAckedEwma == 0
                ? deliveredPackets << PacketsAckedShift
                : (((_packetsAckedEwma << PacketsAckedShift) - _packetsAckedEwma) + (deliveredPackets << PacketsAckedShift)) >> PacketsAckedShift;
            _packetsAckedEwma = Math.Min(ewma, 0xFFFF);
        }

        // On Linux's fast path the ACE field is the one expected; it can only have wrapped.
        if ((!slowPath && deliveredPackets <= AceMask) || synAcked)
        {
            return 0;
        }

        // RFC 9768 §3.2.2.4: the first ACK of data must not carry ACE 0, which only a middlebox clearing it writes.
        if (firstDataAcked && Ace(ack) == 0)
        {
            _ectOnSocket = false;
            AccEcnFailMode |= AccEcnFailMode.AceReceive | AccEcnFailMode.OptionReceive;
            return 0;
        }

        if (_receivedCePending >= AceMaxDelta)
        {
            _ackNow = true;
        }

        var delta = (uint)((Ace(ack) - CepInitOffset - DeliveredCe) & AceMask);
        if (deliveredPackets <= AceMask)
        {
            return delta;
        }

        var safeDelta = deliveredPackets - ((deliveredPackets - delta) & AceMask);
        if (optionDeltasValid)
        {
            var ceBytes = _deliveredEcnBytes.Ce - priorCeBytes;
            if (ceBytes == 0)
            {
                return delta;
            }

            if (deliveredPackets >= (AceMask + 1) * 2 && (SackAgreed || CaState is CaState.Open or CaState.Cwr))
            {
                if (deliveredBytes <= ceBytes)
                {
                    return safeDelta;
                }

                var estimated = (uint)(((ulong)ceBytes * deliveredPackets + deliveredBytes - 1) / deliveredBytes);
                return Math.Min(safeDelta, delta + (estimated & ~(uint)AceMask));
            }

            if (ceBytes > delta * (uint)Mss)
            {
                return safeDelta;
            }

            if (ceBytes < (safeDelta * (uint)Mss) >> 1)
            {
                return delta;
            }
        }
        else if (_packetsAckedEwma > AckCompressionThreshold << PacketsAckedShift)
        {
            return delta;
        }

        return safeDelta;
    }

    /// <summary>
    /// Linux tcp_accecn_process_option(): the option's counters update delivered_ecn_bytes, each
    /// by its 24-bit difference; without an option (or on Linux's fast path) the bytes delivered go
    /// to the codepoint that alone changed last time. Returns whether the byte counters can be
    /// trusted for this ACK: exactly one counter moved, and forward.
    /// </summary>
    private bool ProcessAccEcnOption(Packet ack, uint deliveredBytes, bool slowPath)
    {
        if ((AccEcnFailMode & AccEcnFailMode.OptionReceive) != 0)
        {
            return false;
        }

        if (!slowPath || !ack.HasAccEcn)
        {
            if (AccEcnOptionSeen == AccEcnOptionSeen.NotSeen)
            {
                // Too late to start trusting an option once the counters may have wrapped.
                if (Statistics.BytesSent >= (1 << 23) - 1)
                {
                    SawAccEcnOption(AccEcnOptionSeen.Failed);
                }

                return false;
            }

            if (_hasEstimatedEcnField)
            {
                _deliveredEcnBytes.Add(_estimatedEcnField, deliveredBytes);
                return true;
            }

            return false;
        }

        var option = ack.AccEcn;
        if (AccEcnOptionSeen < AccEcnOptionSeen.Counters)
        {
            SawAccEcnOption(OptionSeen(option));
        }

        var trusted = _hasEstimatedEcnField;
        var ambiguous = false;
        var firstChanged = false;
        for (var i = 0; i < option.FieldCount; i++)
        {
            var field = AccEcnOption.FieldCodepoint(i, option.Order1);
            var delta = UpdateDeliveredEcnBytes(field, option.FieldAt(i));
            if (delta < 0)
            {
                trusted = false;
                ambiguous = true;
            }

            if (delta != 0 && !(_hasEstimatedEcnField && field == _estimatedEcnField))
            {
                if (!firstChanged)
                {
                    _estimatedEcnField = field;
                    _hasEstimatedEcnField = true;
                    firstChanged = true;
                }
                else
                {
                    trusted = false;
                    ambiguous = true;
                }
            }
        }

        if (ambiguous)
        {
            _hasEstimatedEcnField = false;
        }

        return trusted;
    }

    /// <summary>tcp_update_ecn_bytes(): the counter moves by the field's 24-bit difference from it, sign-extended.</summary>
    private int UpdateDeliveredEcnBytes(EcnCodepoint field, uint wire)
    {
        var offset = field == EcnCodepoint.Ce ? 0 : EctBytesInitOffset;
        var current = _deliveredEcnBytes.Of(field);
        var delta = (int)((((wire - offset) & 0xFFFFFF) - current) & 0xFFFFFF);
        delta = (delta << 8) >> 8;
        _deliveredEcnBytes.Add(field, unchecked((uint)delta));
        return delta;
    }

    /// <summary>
    /// Linux tcp_rcv_spurious_retrans(): data arriving again right where the D-SACK that went out
    /// with the option started suggests that ACK was lost for its option (RFC 9768 §3.2.3.2.2),
    /// the second retransmission of it: the option is not sent again.
    /// </summary>
    private void CheckAccEcnOptionLost(SequenceNumber seq)
    {
        if (EcnModeAccEcn && _accEcnOptionSentWithDsack && seq == _sackBlocks.DuplicateStart)
        {
            AccEcnFailMode |= AccEcnFailMode.OptionSend;
        }
    }

    /// <summary>
    /// Whether Linux would take the ACK on its fast path (tcp_rcv_established()'s header
    /// prediction): in ESTABLISHED, in order, a plain ACK (PSH aside) with the expected ACE and no
    /// option but timestamps, the window unchanged, nothing held out of order. There the ACE field
    /// is not read (FLAG_SLOWPATH unset).
    /// </summary>
    private bool OnLinuxFastPath(Packet packet)
    {
        var expectedAce = AceFlags((int)((DeliveredCe + CepInitOffset) & AceMask));
        return State == TcpState.Established
            && (packet.Flags & ~TcpFlags.Psh) == (TcpFlags.Ack | expectedAce)
            && !packet.HasAccEcn && packet.SackBlockCount == 0 && packet.HasTimestamps == TimestampsAgreed
            && new SequenceNumber(packet.SequenceNumber) == RcvNxt
            && ((uint)packet.Window << SndWscale) == SndWnd
            && !_receiveBuffer.HasOutOfOrder && ReceiveWindowNow > 0;
    }
}
