using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// Linux tcp_validate_incoming() and its answers: PAWS, the sequence number check, the rate-limited
/// duplicate and challenge ACKs, TS.Recent, and data after the receive side is shut.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// RFC 1122 §4.2.2.13 (Linux tcp_rcv_state_process(), TCPAbortOnData): data beyond RCV.NXT
    /// after reading was shut (RCV_SHUTDOWN), by close() or shutdown(SHUT_RD) in FIN-WAIT-1 and
    /// -2, or by the peer's FIN in the states that follow it, where only a segment starting before
    /// RCV.NXT gets here.
    /// </summary>
    private bool DataAfterReceiveShutdown(Packet packet, SequenceNumber seq)
    {
        if (!CarriesDataBeyondRcvNxt(packet, seq))
        {
            return false;
        }

        return State switch
        {
            TcpState.FinWait1 or TcpState.FinWait2 => ReceiveShutDown,
            TcpState.CloseWait or TcpState.Closing or TcpState.LastAck => seq < RcvNxt,
            _ => false,
        };
    }

    /// <summary>The segment's data, its FIN aside, reaches past RCV.NXT (after(end_seq - fin, rcv_nxt) on a segment that takes sequence space).</summary>
    private bool CarriesDataBeyondRcvNxt(Packet packet, SequenceNumber seq) => packet.SequenceLength != 0 && seq + packet.PayloadLength > RcvNxt;

    /// <summary>
    /// PAWS (RFC 7323 §5): with timestamps in use, TSval below TS.Recent marks an old duplicate. As
    /// Linux tcp_disordered_ack() does, a pure duplicate ACK overtaken in the network is spared.
    /// </summary>
    private bool PawsRejects(Packet packet, SequenceNumber seq)
    {
        if (!TimestampsAgreed || !packet.HasTimestamps || !_tsRecentValid || (int)(packet.TsVal - _tsRecent) >= 0
            || (packet.Flags & TcpFlags.Rst) != 0)
        {
            return false;
        }

        var disorderedAck = packet.PayloadLength == 0 && (packet.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0
            && seq == RcvNxt && new SequenceNumber(packet.AcknowledgmentNumber) == SndUna;
        return !disorderedAck;
    }

    /// <summary>
    /// Linux tcp_sequence(), its form of RFC 9293 §3.10.7.4's four cases: the segment, SYN and FIN
    /// counted, must not end before the left edge of the window last advertised (rcv_wup) nor
    /// start beyond its right edge. Since Linux 6.17 one that starts inside but ends beyond the
    /// right edge is taken whole, untrimmed, only while no data waits to be read, and dropped
    /// otherwise (SKB_DROP_REASON_TCP_INVALID_END_SEQUENCE); a FIN alone may stick out. The right
    /// edge is that of the largest window ever advertised (RFC 7323 §2.4, tcp_max_receive_window()):
    /// what the window retracted to decides only what data is queued (<see cref="QueueData"/>).
    /// </summary>
    private bool SequenceAcceptable(SequenceNumber seq, int sequenceLength, bool fin)
    {
        var end = seq + sequenceLength;
        var right = RcvNxt + (int)MaxReceiveWindowNow;
        if (end < _rcvWup)
        {
            return false;
        }

        if (end <= right || end - (fin ? 1 : 0) <= right)
        {
            return true;
        }

        return seq <= right && _receiveBuffer.Unread == 0;
    }

    /// <summary>
    /// RFC 7323 §4.3 (Linux tcp_replace_ts_recent()): remember TSval of a segment at or before the
    /// last ACK sent; a TSval beyond the one remembered is progress for Accurate ECN (FLAG_TS_PROGRESS).
    /// </summary>
    private void ReplaceTsRecent(Packet packet)
    {
        _ackTsProgress = false;
        if (TimestampsAgreed && packet.HasTimestamps && new SequenceNumber(packet.SequenceNumber) <= _rcvWup)
        {
            _ackTsProgress = _tsRecentValid && (int)(packet.TsVal - _tsRecent) > 0;
            StoreTsRecent(packet.TsVal);
        }
    }

    /// <summary>The segment whose ACK is being processed moved TS.Recent forward (FLAG_TS_PROGRESS).</summary>
    private bool _ackTsProgress;

    /// <summary>
    /// Linux tcp_send_dupack() for an unacceptable segment: data partly or wholly old is D-SACKed
    /// and starts quick-ACK mode; the ACK is rate-limited unless the segment took sequence space
    /// other than a SYN's (tcp_oow_rate_limited()).
    /// </summary>
    private void SendDuplicateAck(Packet packet, SequenceNumber seq)
    {
        var end = seq + packet.PayloadLength;
        if (packet.PayloadLength > 0 && seq < RcvNxt)
        {
            EnterQuickAckMode(Settings.QuickAcks);
            CheckAccEcnOptionLost(seq);
            SetDuplicateSack(seq, end > RcvNxt ? RcvNxt : end);
        }

        if (packet.SequenceLength == 0 || (packet.Flags & TcpFlags.Syn) != 0)
        {
            if (OutOfWindowAckRateLimited())
            {
                return;
            }
        }

        SendAck();
    }

    /// <summary>
    /// RFC 5961 §7 (Linux tcp_send_challenge_ack()): an ACK that tells a blind attacker nothing, at
    /// most one per rate-limit interval. One answering a SYN on an Accurate ECN connection
    /// reflects that SYN's IP ECN field (tcp_send_ack_reflect_ect()).
    /// </summary>
    private void SendChallengeAck(Packet? syn = null)
    {
        if (OutOfWindowAckRateLimited())
        {
            return;
        }

        Statistics.ChallengeAcks++;
        if (syn is not null && EcnModeAccEcn)
        {
            SendAckReflecting(syn.Ecn);
        }
        else
        {
            SendAck();
        }
    }

    /// <summary>Linux __tcp_oow_rate_limited(): true when an out-of-window ACK went out less than tcp_invalid_ratelimit ago.</summary>
    private bool OutOfWindowAckRateLimited()
    {
        if (_lastOutOfWindowAck is { } last && Simulation.Now - last < Settings.InvalidAckRateLimit)
        {
            return true;
        }

        _lastOutOfWindowAck = Simulation.Now;
        return false;
    }

    private Sim.Kernel.SimTime? _lastOutOfWindowAck;
}
