namespace NetSim.Tcp;

/// <summary>
/// The receive window taken back (RFC 7323 §2.4, "window retraction"): when data is refused for
/// want of memory Linux advertises a zero window at once (tcp_select_window() with
/// ICSK_ACK_NOMEM), and since 2026 it honours any segment that would have been in the largest
/// window it ever advertised (rcv_mwnd_seq, tcp_max_receive_window()), so that a peer whose
/// SND.NXT lies past the retracted edge still gets its ACKs through. With tcp_shrink_window the
/// window follows the free receive space down as well (Linux 6.5).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>rcv_mwnd_seq: the furthest right edge of any window this side advertised.</summary>
    private SequenceNumber _rcvMaxWindowEnd;

    /// <summary>ICSK_ACK_NOMEM: data was refused for want of receive memory since the last ACK went out.</summary>
    private bool _ackNoMemory;

    /// <summary>How far past RCV.NXT the largest window advertised reaches (tcp_max_receive_window()), 0 when behind it.</summary>
    private long MaxReceiveWindowNow => Math.Max(0, _rcvMaxWindowEnd - RcvNxt);

    /// <summary>
    /// The window starts at RCV.NXT as the handshake completes (tcp_rcv_synsent_state_process(),
    /// tcp_fastopen_create_child()), and the largest one advertised is the one in force.
    /// </summary>
    private void AnchorReceiveWindow()
    {
        _rcvWup = RcvNxt;
        _rcvMaxWindowEnd = _rcvWup + (int)RcvWnd;
    }

    /// <summary>tcp_shrink_window on a scaled connection: the window offered may be less than what is left of the last one.</summary>
    private bool WindowMayShrink => Settings.ShrinkWindow && RcvWscale > 0;

    /// <summary>
    /// __tcp_select_window()'s shrink_window_allowed: the free space in whole units of the scale;
    /// with less than half the buffer free, quick ACKs stop and below a sixteenth of it, one
    /// segment or one unit the window closes; above rcv_ssthresh, rcv_ssthresh aligned up (it is
    /// no hard limit, unlike the buffer).
    /// </summary>
    private long ShrinkableWindow(long free, long full, long allowed, long mss, long unit)
    {
        free = free / unit * unit;
        if (free < full / 2)
        {
            _quickAcks = 0;
            if (free < allowed / 16 || free < mss || free < unit)
            {
                return 0;
            }
        }

        return free > _rcvSsthresh ? (_rcvSsthresh + unit - 1) / unit * unit : free;
    }

    /// <summary>tcp_update_max_wnd_seq(): the window just selected may reach further than any before.</summary>
    private void AdvanceMaxWindowEnd()
    {
        var edge = _rcvWup + (int)RcvWnd;
        if (edge > _rcvMaxWindowEnd)
        {
            _rcvMaxWindowEnd = edge;
        }
    }
}
