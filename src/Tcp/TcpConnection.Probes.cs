using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// Probing a silent peer: the persist timer with zero-window probes (RFC 9293 §3.8.6.1; Linux
/// tcp_probe_timer(), tcp_send_probe0()) and keepalive (RFC 1122 §4.2.3.6; Linux
/// tcp_keepalive_timer()). Both probe with tcp_write_wakeup().
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Probes sent without an answer (icsk->icsk_probes_out).</summary>
    public int ProbesOut { get; private set; }

    /// <summary>
    /// icsk_backoff: how many times the retransmission or zero-window probe timer has doubled, one
    /// count for both as in Linux; an RTT sample, or the window opening, ends it.
    /// </summary>
    public int Backoff { get; private set; }
    private SimTime _lastHeard;

    private bool HasUnsentData => _bytesWritten > _streamNext || (_finRequested && !_finSent);

    /// <summary>Linux tcp_probe0_base(): the RTO, at least TCP_RTO_MIN.</summary>
    private SimTime ProbeBase => SimTime.Max(Rto, Settings.MinRto);

    /// <summary>Linux tcp_probe0_when(): the base doubled per unanswered probe, at most TCP_RTO_MAX.</summary>
    private SimTime ProbeInterval => SimTime.Min(ProbeBase * (1L << Math.Min(Backoff, 30)), Settings.MaxRto);

    /// <summary>
    /// SO_KEEPALIVE. Turning it on, or changing the idle time while it is on, restarts the timer
    /// for what is left of the idle time (Linux tcp_set_keepalive(), tcp_sock_set_keepidle_locked()).
    /// </summary>
    public bool KeepAlive
    {
        get => _keepAlive;
        set
        {
            _keepAlive = value;
            RestartKeepAliveTimer();
        }
    }

    private void RestartKeepAliveTimer()
    {
        if (_keepAlive && !_handedToTimeWait && State is TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.FinWait2)
        {
            var idle = Simulation.Now - _lastHeard;
            _keepAliveTimer.ArmAfter(idle < Settings.KeepAliveTime ? Settings.KeepAliveTime - idle : SimTime.Zero);
        }
        else if (!_keepAlive)
        {
            _keepAliveTimer.Cancel();
        }
    }

    private bool _keepAlive;

    /// <summary>Linux tcp_check_probe_timer(): nothing in flight, data waiting for the window: probe later.</summary>
    private void CheckProbeTimer()
    {
        if (PacketsOut == 0 && HasUnsentData && !_persistTimer.IsArmed)
        {
            _persistTimer.ArmAfter(ProbeBase);
        }
    }

    /// <summary>
    /// Linux tcp_ack_probe(), for an ACK when nothing was in flight: once the window admits the
    /// next segment the probing ends; otherwise the next probe waits the backed-off interval.
    /// </summary>
    private void OnAckWhileProbing()
    {
        if (!_persistTimer.IsArmed)
        {
            return;
        }

        var next = (int)Math.Min(Mss, _bytesWritten - _streamNext);
        if (SndNxt + next <= SendWindowEnd)
        {
            Backoff = 0;
            _persistTimer.Cancel();
        }
        else
        {
            _persistTimer.ArmAfter(ProbeInterval);
        }
    }

    /// <summary>Linux tcp_probe_timer(): give up after tcp_retries2 unanswered probes, else probe.</summary>
    private void OnPersistTimer()
    {
        if (PacketsOut > 0 || !HasUnsentData || _handedToTimeWait)
        {
            ProbesOut = 0;
            _probesStamp = SimTime.Never;
            return;
        }

        // tcp_probe_timer(): the user timeout counts from the first probe of the series.
        if (_probesStamp == SimTime.Never)
        {
            _probesStamp = Simulation.Now;
        }

        if (ProbesOut >= Settings.Retries2 || UserTimeoutPassed(_probesStamp))
        {
            WriteError();
            return;
        }

        // Linux tcp_send_probe0(): a probe the host's qdisc refused is tried again after
        // TCP_RESOURCE_PROBE_INTERVAL, without backoff; either wait ends with the user timeout.
        var refused = WriteWakeup();
        if (PacketsOut > 0 || !HasUnsentData)
        {
            ProbesOut = 0;
            Backoff = 0;
            _probesStamp = SimTime.Never;
            return;
        }

        ProbesOut++;
        if (!refused)
        {
            Backoff = Math.Min(Backoff + 1, Settings.Retries2);
        }

        _persistTimer.ArmAfter(ClampProbeToUserTimeout(refused ? ResourceProbeInterval : ProbeInterval));
        ReportVariables();
    }

    /// <summary>
    /// Linux tcp_write_wakeup(): if the window has room, as much new data as it admits; otherwise
    /// an ACK with the already acknowledged sequence number SND.UNA - 1, which the peer must answer
    /// with an ACK carrying its window (tcp_xmit_probe_skb()). True when the host's qdisc refused it.
    /// </summary>
    private bool WriteWakeup()
    {
        var room = SendWindowEnd - SndNxt;
        if (_bytesWritten > _streamNext && room > 0)
        {
            var mss = CurrentMss();
            var length = (int)Math.Min(Math.Min(room, mss), _writeQueue.HeadEnd(_streamNext) - _streamNext);
            _writeQueue.PushProbe(_streamNext, _streamNext + length);
            return !SendNewSegment(mss, length, packetContinues: false, Nagle.Push, out _) && Stack.Host.QdiscDropsAll;
        }

        if (QdiscRefuses())
        {
            return true;
        }

        Transmit(SndUna - 1, 0, _streamNext, TcpFlags.Ack);
        return false;
    }

    /// <summary>
    /// Linux tcp_keepalive_timer(): after KeepAliveTime without hearing from the peer, and while
    /// nothing is outstanding, a probe every KeepAliveInterval; KeepAliveProbes unanswered ones
    /// reset the connection. For an orphaned FIN-WAIT-2 socket it times FIN-WAIT-2 instead.
    /// </summary>
    private void OnKeepAliveTimer()
    {
        if (_orphaned && State == TcpState.FinWait2 && !_handedToTimeWait)
        {
            OnFinWait2Timeout();
            return;
        }

        if (!_keepAlive || _handedToTimeWait || State is TcpState.Closed or TcpState.SynSent or TcpState.Listen)
        {
            return;
        }

        if (PacketsOut > 0 || HasUnsentData)
        {
            _keepAliveTimer.ArmAfter(Settings.KeepAliveTime);
            return;
        }

        var idle = Simulation.Now - _lastHeard;
        if (idle < Settings.KeepAliveTime)
        {
            _keepAliveTimer.ArmAfter(Settings.KeepAliveTime - idle);
            return;
        }

        // tcp_keepalive_timer(): the user timeout, once a probe is out, in place of the probe count.
        if (UserTimeout > SimTime.Zero ? ProbesOut > 0 && UserTimeoutPassed(_lastHeard) : ProbesOut >= Settings.KeepAliveProbes)
        {
            SendActiveReset();
            WriteError();
            return;
        }

        // A probe the host's qdisc refused is tried again after TCP_RESOURCE_PROBE_INTERVAL, uncounted.
        if (WriteWakeup())
        {
            _keepAliveTimer.ArmAfter(ResourceProbeInterval);
            return;
        }

        ProbesOut++;
        _keepAliveTimer.ArmAfter(Settings.KeepAliveInterval);
    }
}
