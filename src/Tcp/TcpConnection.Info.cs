using NetSim.Sim.Kernel;

namespace NetSim.Tcp;

/// <summary>State the model keeps for its own use that Linux's tcp_get_info() also reports.</summary>
public sealed partial class TcpConnection
{
    /// <summary>tp->rcv_ssthresh: how far the offered window may grow for now.</summary>
    public uint ReceiveSsthresh => _rcvSsthresh;

    /// <summary>tp->total_rto: retransmission timeouts over the connection's life.</summary>
    public int TotalRto => _totalRto;

    /// <summary>icsk_pmtu_cookie: the path MTU the send MSS was last computed from.</summary>
    public int PathMtu => _pmtuCookie;

    /// <summary>icsk_ack.ato: the delayed-ACK timeout in force.</summary>
    public SimTime AckTimeout => _ato;

    /// <summary>tp->rcv_tstamp: the jiffy an ACK last arrived in.</summary>
    public uint LastAckReceivedJiffies => (uint)(_lastAckReceived.Nanoseconds * Settings.Hz / 1_000_000_000L);
}
