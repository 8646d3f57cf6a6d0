using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// ACK processing and loss recovery: Linux tcp_ack(), tcp_clean_rtx_queue(), tcp_fastretrans_alert()
/// for a connection without SACK (its Reno duplicate-ACK emulation and NewReno partial ACKs,
/// RFC 5681 §3.2 and RFC 6582), and Proportional Rate Reduction (RFC 6937, tcp_cwnd_reduction()).
/// </summary>
public sealed partial class TcpConnection
{
    private SequenceNumber _highSeq;
    private uint _priorCwnd;
    private int _prrDelivered;
    private int _prrOut;
    private (uint Cwnd, uint Ssthresh, long Srtt, SimTime Rto, long InFlight) _reported;

    private void ProcessAck(Packet packet)
    {
        var ack = new SequenceNumber(packet.AcknowledgmentNumber);
        var seq = new SequenceNumber(packet.SequenceNumber);
        if (ack < SndUna)
        {
            return;
        }

        var priorUna = SndUna;
        // RFC 7323 §2.2: the peer's shift applies to every window but a SYN's.
        var window = (packet.Flags & TcpFlags.Syn) != 0 ? packet.Window : (uint)packet.Window << SndWscale;
        var windowUpdated = UpdateSendWindow(seq, ack, window);
        var advanced = ack > SndUna;
        var isDupAck = !advanced && !windowUpdated && packet.PayloadLength == 0
            && (packet.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0 && PacketsOut > 0;

        var delivered = 0;
        var ackedPackets = 0;
        if (advanced)
        {
            var acked = _rtx.RemoveAcked(ack);
            ackedPackets = acked.Packets;
            SndUna = ack;
            Statistics.BytesAcked += ack - priorUna;
            Retransmits = 0;

            // Karn's rule (RFC 6298 §3): no sample from send times when retransmitted data is acknowledged
            // (FLAG_RETRANS_DATA_ACKED); then Linux tcp_ack_update_rtt() takes the echoed timestamp (RFC 7323 §4).
            if (!acked.RetransmittedDataAcked && acked.OldestFirstSent != SimTime.Never)
            {
                AddRttSample(Simulation.Now - acked.OldestFirstSent);
            }
            else if (acked.Packets > 0 && TimestampRtt(packet) is { } echoed)
            {
                AddRttSample(echoed);
            }

            // Linux tcp_remove_reno_sacks(): the first ACKed segment fills the hole, the rest were counted by dupacks.
            delivered = Math.Max(ackedPackets - SackedOut, 1);
            SackedOut = ackedPackets - 1 >= SackedOut ? 0 : SackedOut - (ackedPackets - 1);

            // RFC 6298 §5.2-5.3 (Linux tcp_rearm_rto()): stop when all is acknowledged, else restart.
            if (PacketsOut == 0)
            {
                _retransmitTimer.Cancel();
            }
            else
            {
                _retransmitTimer.ArmAfter(Rto);
            }
        }

        if (State is TcpState.SynSent)
        {
            return;
        }

        if (isDupAck || advanced || CaState != CaState.Open)
        {
            delivered += FastRetransmitAlert(advanced, isDupAck);
        }

        CongestionControl(delivered, advanced);

        if (advanced && State is TcpState.Established or TcpState.CloseWait)
        {
            SendSpaceAvailable?.Invoke(this);
        }
    }

    /// <summary>
    /// Linux tcp_rtt_tsopt_us(): the RTT from the echoed timestamp, in whole milliseconds of the TSval
    /// clock (a difference of 0 counts as 1 ms); null without a usable echo.
    /// </summary>
    private SimTime? TimestampRtt(Packet packet)
    {
        if (!TimestampsAgreed || !packet.HasTimestamps || packet.TsEcr == 0)
        {
            return null;
        }

        var milliseconds = (int)(TsNow - packet.TsEcr);
        return milliseconds < 0 ? null : SimTime.FromMilliseconds(Math.Max(1, milliseconds));
    }

    /// <summary>RFC 9293 §3.10.7.4 (SND.WL1/WL2) as Linux tcp_may_update_window(); true when the window changed.</summary>
    private bool UpdateSendWindow(SequenceNumber seq, SequenceNumber ack, uint window)
    {
        if (ack > SndUna || seq > _sndWl1 || (seq == _sndWl1 && (window > SndWnd || window == 0)))
        {
            var changed = window != SndWnd;
            SndWnd = window;
            _sndWl1 = seq;
            _sndWl2 = ack;
            return changed;
        }

        return false;
    }

    /// <summary>
    /// Linux tcp_fastretrans_alert() for a non-SACK connection. Returns the segments a
    /// duplicate ACK reports delivered (Linux counts each dupack as one, tcp_add_reno_sack()).
    /// </summary>
    private int FastRetransmitAlert(bool advanced, bool isDupAck)
    {
        // D. State exit: everything sent before the episode is acknowledged.
        if (CaState is CaState.Recovery or CaState.Loss && SndUna >= _highSeq)
        {
            SackedOut = 0;
            if (SndUna == _highSeq)
            {
                // Linux tcp_try_undo_recovery(): Reno holds the state until something above high_seq
                // is acknowledged, to avoid false fast retransmits (RFC 6582 §3.2 step 5).
                return 0;
            }

            if (CaState == CaState.Recovery)
            {
                Window.Cwnd = Window.Ssthresh;
            }

            SetCaState(CaState.Open);
            _retransStamp = SimTime.Zero;
            return 0;
        }

        var delivered = 0;
        switch (CaState)
        {
            case CaState.Recovery:
                if (isDupAck)
                {
                    delivered = AddRenoSack();
                }
                else if (advanced)
                {
                    // RFC 6582 §3.2 step 5: a partial ACK means the next segment is lost too (tcp_newreno_mark_lost()).
                    MarkHeadLostIfNeeded();
                }

                return delivered;
            case CaState.Loss:
                if (isDupAck && SndNxt > _highSeq)
                {
                    delivered = AddRenoSack();
                }
                else if (advanced)
                {
                    SackedOut = 0;
                }

                return delivered;
        }

        if (advanced)
        {
            SackedOut = 0;
        }

        if (isDupAck)
        {
            delivered = AddRenoSack();
        }

        // tcp_newreno_mark_lost(): dupthresh duplicate ACKs mark the head lost; tcp_time_to_recover() then holds.
        if (SackedOut >= Settings.DupThresh)
        {
            MarkHeadLostIfNeeded();
        }

        if (LostOut > 0)
        {
            EnterRecovery();
        }
        else
        {
            SetCaState(SackedOut > 0 ? CaState.Disorder : CaState.Open);
        }

        return delivered;
    }

    /// <summary>Linux tcp_add_reno_sack() with tcp_limit_reno_sacked(): a duplicate ACK stands for one segment delivered.</summary>
    private int AddRenoSack()
    {
        var prior = SackedOut;
        SackedOut++;
        var holes = Math.Min(Math.Max(LostOut, 1), PacketsOut);
        if (SackedOut + holes > PacketsOut)
        {
            SackedOut = Math.Max(0, PacketsOut - holes);
        }

        return Math.Max(0, SackedOut - prior);
    }

    private void MarkHeadLostIfNeeded()
    {
        if (PacketsOut > 0 && !_rtx[0].Lost)
        {
            _rtx.MarkHeadLost();
        }
    }

    /// <summary>Linux tcp_enter_recovery() and tcp_init_cwnd_reduction(): ssthresh from the algorithm, PRR starts.</summary>
    private void EnterRecovery()
    {
        _highSeq = SndNxt;
        Window.CwndCount = 0;
        _priorCwnd = Window.Cwnd;
        _prrDelivered = 0;
        _prrOut = 0;
        Window.Ssthresh = Congestion.Ssthresh(Window);
        SetCaState(CaState.Recovery);
    }

    /// <summary>
    /// Linux tcp_cong_control(): in Recovery, PRR sets cwnd; otherwise cwnd grows when the ACK
    /// acknowledged new data (tcp_may_raise_cwnd()).
    /// </summary>
    private void CongestionControl(int delivered, bool advanced)
    {
        if (CaState is CaState.Recovery or CaState.Cwr)
        {
            ReduceCwnd(delivered, advanced);
        }
        else if (advanced && delivered > 0)
        {
            Congestion.CongestionAvoid(Window, (uint)delivered);
        }
    }

    /// <summary>Proportional Rate Reduction, RFC 6937 §3 with PRR-SSRB, as Linux tcp_cwnd_reduction().</summary>
    private void ReduceCwnd(int newlyAckedSacked, bool advanced)
    {
        if (newlyAckedSacked <= 0 || _priorCwnd == 0)
        {
            return;
        }

        var delta = (int)Window.Ssthresh - PacketsInFlight;
        _prrDelivered += newlyAckedSacked;
        int sendCount;
        if (delta < 0)
        {
            var dividend = ((long)Window.Ssthresh * _prrDelivered) + _priorCwnd - 1;
            sendCount = (int)(dividend / _priorCwnd) - _prrOut;
        }
        else
        {
            sendCount = Math.Max(_prrDelivered - _prrOut, newlyAckedSacked);
            if (advanced)
            {
                sendCount++;
            }

            sendCount = Math.Min(delta, sendCount);
        }

        // Force the fast retransmit on entering recovery.
        sendCount = Math.Max(sendCount, _prrOut > 0 ? 0 : 1);
        Window.Cwnd = (uint)Math.Max(1, PacketsInFlight + sendCount);
    }

    private void SetCaState(CaState state)
    {
        if (CaState != state)
        {
            CaState = state;
            Congestion.SetState(Window, state);
        }
    }

    /// <summary>
    /// Linux tcp_ack_update_rtt(): feeds the estimator and calls RTT_CB where tcp_rtt_estimator()
    /// does, with the measurement and the new srtt as arguments. The kernel stores srtt_us after
    /// the callback, so during it the program still reads the previous value. Then tcp_set_rto(),
    /// which also drops any backoff.
    /// </summary>
    private void AddRttSample(SimTime measured)
    {
        var previousSrtt = Rtt.SrttUs8;
        var callback = Rtt.AddSample(measured.Microseconds, SndUna, SndNxt);
        if (callback && FlagSet(SockOpsCallbackFlags.Rtt))
        {
            var newSrtt = Rtt.SrttUs8;
            _srttForCallback = previousSrtt;
            CallSockOps(SockOp.RttCb, (uint)Math.Max(1, measured.Microseconds), (uint)newSrtt);
            _srttForCallback = null;
        }

        Rto = Rtt.Rto;
        Observer?.OnRttSample(this, measured);
    }

    private long? _srttForCallback;

    /// <summary>tp->srtt_us as a program reads it: during RTT_CB still the value before this sample.</summary>
    public long SrttUs8ForSockOps => _srttForCallback ?? Rtt.SrttUs8;

    /// <summary>Fires <see cref="ITcpConnectionObserver.OnVariablesChanged"/> when a traced variable differs from the last report.</summary>
    private void ReportVariables()
    {
        if (Observer is null)
        {
            return;
        }

        var now = (Window.Cwnd, Window.Ssthresh, Rtt.SrttUs8, Rto, BytesInFlight);
        if (now != _reported)
        {
            _reported = now;
            Observer.OnVariablesChanged(this);
        }
    }
}
