using NetSim.Tcp;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // Field names are the kernel's (struct bpf_tcp_sock).

/// <summary>
/// The TCP fields bpf_tcp_sock() exposes (Linux struct bpf_tcp_sock, include/uapi/linux/bpf.h),
/// read live from the connection, with the kernel's names and units.
/// </summary>
public sealed class BpfTcpSock
{
    private readonly TcpConnection _connection;

    internal BpfTcpSock(TcpConnection connection) => _connection = connection;

    public uint snd_cwnd => _connection.Window.Cwnd;

    /// <summary>Smoothed RTT shifted left by 3, in us.</summary>
    public uint srtt_us => (uint)_connection.SrttUs8ForSockOps;

    public uint rtt_min => (uint)_connection.MinRttUs;

    public uint snd_ssthresh => _connection.Window.Ssthresh;

    public uint rcv_nxt => _connection.RcvNxt.Value;

    public uint snd_nxt => _connection.SndNxt.Value;

    public uint snd_una => _connection.SndUna.Value;

    public uint mss_cache => (uint)_connection.Mss;

    public uint ecn_flags => (uint)_connection.EcnFlags;

    public uint rate_delivered => (uint)_connection.DeliveryRate.RateDelivered;

    public uint rate_interval_us => (uint)_connection.DeliveryRate.RateIntervalUs;

    public uint packets_out => (uint)_connection.PacketsOut;

    public uint retrans_out => (uint)_connection.RetransOut;

    public uint total_retrans => (uint)_connection.Statistics.TotalRetransmissions;

    public uint segs_in => (uint)_connection.Statistics.SegmentsIn;

    public uint data_segs_in => (uint)_connection.Statistics.DataSegmentsIn;

    public uint segs_out => (uint)_connection.Statistics.SegmentsOut;

    public uint data_segs_out => (uint)_connection.Statistics.DataSegmentsOut;

    public uint lost_out => (uint)_connection.LostOut;

    public uint sacked_out => (uint)_connection.SackedOut;

    public ulong bytes_received => (ulong)_connection.Statistics.BytesReceived;

    public ulong bytes_acked => (ulong)_connection.Statistics.BytesAcked;

    /// <summary>Segments reported duplicate by D-SACKs (tp->dsack_dups).</summary>
    public uint dsack_dups => (uint)_connection.Statistics.DsackDups;

    public uint delivered => (uint)_connection.Delivered;

    public uint delivered_ce => (uint)_connection.DeliveredCe;

    /// <summary>Retransmission timeouts in a row (icsk->icsk_retransmits).</summary>
    public uint icsk_retransmits => (uint)_connection.Retransmits;
}
