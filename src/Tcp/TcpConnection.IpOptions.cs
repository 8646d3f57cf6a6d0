using NetSim.Sim.Network;
using NetSim.Sim.Network.Wire;

namespace NetSim.Tcp;

/// <summary>
/// Socket options about the IP layer and the SYN: IP_TOS (__ip_sock_set_tos()), TCP_MAXSEG
/// (tp->rx_opt.user_mss), and TCP_SAVE_SYN with TCP_SAVED_SYN (tcp_reqsk_record_syn(), tcp_saved_syn_len()): a listener that asks keeps the
/// network and TCP headers of each connection's SYN for the accepted socket to read.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>The ECN bits of the TOS byte (INET_ECN_MASK), which TCP keeps to itself.</summary>
    private const byte EcnMask = 0x03;

    /// <summary>inet->tos without the ECN bits, on every packet this connection sends.</summary>
    public byte Tos { get; private set; }

    /// <summary>TCP_MIN_MSS and MAX_TCP_WINDOW: the range TCP_MAXSEG accepts besides 0.</summary>
    private const int MinUserMss = 88;
    private const int MaxUserMss = 32767;

    /// <summary>tp->rx_opt.user_mss: TCP_MAXSEG's bound on the MSS advertised and used; 0 for none.</summary>
    public int UserMss { get; private set; }

    /// <summary>
    /// The first hop's MTU less the IP and TCP headers (ipv4_default_advmss(): the device's MTU,
    /// never a learnt path MTU), taken as the connection opens; 0 before.
    /// </summary>
    private int _firstHopMss;

    /// <summary>
    /// tp->advmss: the MSS this side announces and receives with (dst_metric_advmss()): the
    /// configured one, at most the first hop's and TCP_MAXSEG's (tcp_mss_clamp()).
    /// </summary>
    public ushort AdvertisedMss
    {
        get
        {
            var mss = _firstHopMss > 0 ? Math.Min(Settings.Mss, _firstHopMss) : Settings.Mss;
            return (ushort)(UserMss > 0 ? Math.Min(mss, UserMss) : mss);
        }
    }

    /// <summary>
    /// dst_metric_advmss() of the route to the peer, as tcp_connect_init() and
    /// tcp_openreq_init_rwin() take it: the route's advmss metric, else its MTU less the headers.
    /// </summary>
    private void TakeFirstHopMss()
    {
        var mtu = Stack.Host.MtuTowards(RemoteAddress);
        _firstHopMss = Stack.Host.RouteMetricsTowards(RemoteAddress).AdvMss
            ?? (mtu > Packet.Ipv4HeaderBytes + Packet.TcpHeaderBytes ? mtu - Packet.Ipv4HeaderBytes - Packet.TcpHeaderBytes : 0);
    }

    /// <summary>
    /// setsockopt(TCP_MAXSEG) (do_tcp_setsockopt()): 0 or 88..32767, else -EINVAL. It bounds the
    /// MSS of a handshake still to come; an established connection keeps the MSS it has.
    /// </summary>
    public int SetUserMss(int value)
    {
        if (!IsValidUserMss(value))
        {
            return InvalidArgument;
        }

        UserMss = value;
        return 0;
    }

    /// <summary>What setsockopt(TCP_MAXSEG) takes: 0 (no bound) or 88 to 32767.</summary>
    public static bool IsValidUserMss(int value) => value == 0 || value is >= MinUserMss and <= MaxUserMss;

    /// <summary>getsockopt(TCP_MAXSEG): mss_cache, or the requested bound on a closed or listening socket.</summary>
    public int MaxSegmentOption => UserMss > 0 && State is TcpState.Closed or TcpState.Listen ? UserMss : Mss;

    /// <summary>tp->save_syn on a listener: 0 off, 1 the IP and TCP headers, 2 with the link-layer header too.</summary>
    public int SaveSyn { get; private set; }

    /// <summary>tp->saved_syn: the headers of the SYN that opened this connection, when its listener saved them.</summary>
    public byte[]? SavedSyn { get; private set; }

    /// <summary>
    /// setsockopt(IP_TOS) on a TCP socket (__ip_sock_set_tos()): -1 means 0; the ECN bits stay
    /// TCP's. Returns 0, or -EINVAL outside -1..255.
    /// </summary>
    public int SetTos(int value)
    {
        if (value is < -1 or > 0xFF)
        {
            return InvalidArgument;
        }

        Tos = (byte)(Math.Max(value, 0) & ~EcnMask);
        return 0;
    }

    /// <summary>setsockopt(TCP_SAVE_SYN) (do_tcp_setsockopt()): 0, 1 or 2; -EINVAL otherwise.</summary>
    public int SetSaveSyn(int value)
    {
        if (value is < 0 or > 2)
        {
            return InvalidArgument;
        }

        SaveSyn = value;
        return 0;
    }

    /// <summary>
    /// What a connection takes from its listener when the SYN arrives: the TOS (inet_csk_clone_lock()
    /// copies inet->tos, and the SYN-ACK carries it), user_mss (tcp_conn_request()), the window clamp
    /// (tcp_openreq_init_rwin() reads the listener's), save_syn, and with it the SYN's IP and TCP
    /// headers as they were on the wire (tcp_reqsk_record_syn()). The simulator has no link layer,
    /// so mode 2 keeps the same headers as mode 1. A request answered with a cookie, and the child
    /// its cookie rebuilds, have no SYN to keep (null <paramref name="syn"/>).
    /// </summary>
    internal void InheritFromListener(TcpConnection listener, Packet? syn)
    {
        Tos = listener.Tos;
        UserMss = listener.UserMss;
        WindowClamp = listener.WindowClamp;

        // sk_clone_lock() copies icsk_user_timeout with the rest of the listener.
        UserTimeout = listener.UserTimeout;
        SaveSyn = listener.SaveSyn;
        InheritSocketLevelOptions(listener);
        if (SaveSyn > 0 && syn is not null)
        {
            SavedSyn = WireEncoder.Encode(syn);
        }
    }
}
