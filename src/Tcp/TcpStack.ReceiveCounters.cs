namespace NetSim.Tcp;

/// <summary>
/// The namespace's counters (Linux's TcpExt MIB, what nstat reports) of segments the receive
/// path turned away: outside the window, into a zero window, for want of memory, and ICMP errors
/// about sequence numbers never sent.
/// </summary>
public sealed partial class TcpStack
{
    /// <summary>
    /// Segments starting or ending beyond the largest window advertised (tcp_sequence()'s
    /// INVALID_SEQUENCE and INVALID_END_SEQUENCE), or starting beyond the window in force
    /// (tcp_data_queue()'s OVERWINDOW) (LINUX_MIB_BEYOND_WINDOW).
    /// </summary>
    public long BeyondWindowDrops { get; internal set; }

    /// <summary>Data at RCV.NXT that met a zero window (LINUX_MIB_TCPZEROWINDOWDROP).</summary>
    public long ZeroWindowDrops { get; internal set; }

    /// <summary>In-order data dropped for want of receive memory (LINUX_MIB_TCPRCVQDROP).</summary>
    public long ReceiveQueueDrops { get; internal set; }

    /// <summary>ICMP errors whose quoted sequence number lay outside the window (LINUX_MIB_OUTOFWINDOWICMPS).</summary>
    public long OutOfWindowIcmps { get; internal set; }
}
