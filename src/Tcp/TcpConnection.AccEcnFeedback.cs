using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// The data sender's side of Accurate ECN (RFC 9768 §3.2.2; Linux tcp_accecn_process()): the ACE
/// field's increase and the option's byte counters turned into packets delivered CE-marked, the
/// option judged lost with a D-SACK, and Linux's fast-path test.
/// </summary>
public sealed partial class TcpConnection
{
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
    /// prediction): in ESTABLISHED, in order, a plain ACK (PSH aside; with Accurate ECN, the
    /// expected ACE) and no option but timestamps, the window unchanged, nothing held out of
    /// order. There the ACE field is not read (FLAG_SLOWPATH unset).
    /// </summary>
    private bool OnLinuxFastPath(Packet packet)
    {
        var expectedAce = EcnModeAccEcn ? AceFlags((int)((DeliveredCe + CepInitOffset) & AceMask)) : TcpFlags.None;
        return State == TcpState.Established
            && (packet.Flags & ~TcpFlags.Psh) == (TcpFlags.Ack | expectedAce)
            && !packet.HasAccEcn && packet.SackBlockCount == 0 && packet.HasTimestamps == TimestampsAgreed
            && new SequenceNumber(packet.SequenceNumber) == RcvNxt
            && ((uint)packet.Window << SndWscale) == SndWnd
            && !_receiveBuffer.HasOutOfOrder && ReceiveWindowNow > 0;
    }
}
