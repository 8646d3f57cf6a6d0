using NetSim.Sim.Network;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// What the handshake settles: the options both SYNs agreed to (RFC 7323, RFC 2018) and the first
/// window this side offers (tcp_select_initial_window()).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// The first window to advertise (Linux tcp_select_initial_window()): the buffer, at most the
    /// window clamp, rounded down to whole segments, at most 65535 since a SYN's window is never scaled, and at most RWND_INIT's
    /// reply in segments when the program gives one. The segment is the MSS less the timestamps
    /// option when the peer's SYN already agreed to it (tcp_openreq_init_rwin()); a SYN's is the full MSS.
    /// </summary>
    private void InitReceiveWindow() => InitReceiveWindow(AdvertisedMss - (TimestampsAgreed ? TimestampsOptionBytes : 0), askProgram: true);

    /// <summary>
    /// tcp_select_initial_window(): the buffer's space (at most the clamp) in whole segments of
    /// <paramref name="segment"/> bytes, at most what RWND_INIT asks for when <paramref name="askProgram"/>.
    /// </summary>
    private void InitReceiveWindow(int segment, bool askProgram)
    {
        ClampInitialWindow();
        long space = Math.Min(_receiveBuffer.Capacity, WindowClamp);
        if (space > segment)
        {
            space = space / segment * segment;
        }

        space = Math.Min(space, ushort.MaxValue);

        var segments = askProgram ? CallSockOps(SockOp.RwndInit) : 0;
        if (segments > 0)
        {
            space = Math.Min(space, (long)segments * segment);
        }

        RcvWnd = (uint)space;
        _rcvSsthresh = RcvWnd;
        _rcvMaxWindowEnd = _rcvWup + (int)RcvWnd;
    }

    /// <summary>
    /// RFC 7323 §3.2: timestamps are used only when both SYNs carried them; then every segment
    /// carries 12 more bytes of options, so the payload per segment shrinks by 12 (Linux mss_cache).
    /// </summary>
    private void NegotiateTimestamps(Packet syn, bool weOffered)
    {
        TimestampsAgreed = weOffered && syn.HasTimestamps;
        if (TimestampsAgreed)
        {
            StoreTsRecent(syn.TsVal);
            Mss -= TimestampsOptionBytes;
        }
    }

    private const int TimestampsOptionBytes = 12;

    /// <summary>RFC 2018 §2: SACK is used only when both SYNs carried SACK-permitted.</summary>
    private void NegotiateSack(Packet syn, bool weOffered) => SackAgreed = weOffered && syn.SackPermitted;

    /// <summary>RFC 7323 §2.2: scaling applies in both directions only when both SYNs carried the option.</summary>
    private void NegotiateWindowScaling(Packet syn, bool weOffered)
    {
        WindowScalingAgreed = weOffered && syn.WindowScaleOption >= 0;

        // RFC 7323 §2.3: a shift above 14 is taken as 14.
        SndWscale = WindowScalingAgreed ? Math.Min((int)syn.WindowScaleOption, 14) : 0;
        RcvWscale = WindowScalingAgreed ? OfferedWindowScale : 0;
    }
}
