using NetSim.Tcp;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Rtt;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The fields of Linux's struct tcp_info (tcp_get_info()) that scripts' <c>%{ }%</c> blocks read,
/// with their units, and the constants they compare them with.
/// </summary>
internal static class TcpInfo
{
    public static long? Field(TcpConnection c, string name) => name switch
    {
        "tcpi_state" => (long)c.SocketState,
        "tcpi_options" => Options(c),
        "tcpi_ca_state" => (long)c.CaState,
        "tcpi_retransmits" => c.Retransmits,
        "tcpi_probes" => c.ProbesOut,
        "tcpi_rto" => (long)c.Settings.ToJiffies(c.Rto) * 1_000_000L / c.Settings.Hz,
        "tcpi_snd_mss" => c.Mss,
        "tcpi_advmss" => c.AdvertisedMss,
        "tcpi_rcv_mss" => c.ReceiveMss,
        "tcpi_rcv_rtt" => c.ReceiverRttMicroseconds,
        "tcpi_rcv_space" => c.ReceiveQueueSpace,
        "tcpi_unacked" => c.PacketsOut,
        "tcpi_sacked" => c.SackedOut,
        "tcpi_lost" => c.LostOut,
        "tcpi_retrans" => c.RetransOut,
        "tcpi_rtt" => c.Rtt.SrttUs8 >> 3,
        "tcpi_snd_ssthresh" => c.Window.Ssthresh,
        "tcpi_snd_cwnd" => c.Window.Cwnd,
        "tcpi_total_retrans" => c.Statistics.TotalRetransmissions,
        "tcpi_delivered" => c.Delivered,
        "tcpi_delivered_ce" => c.DeliveredCe,
        "tcpi_received_ce" => c.ReceivedCe,
        "tcpi_delivered_e1_bytes" => c.DeliveredEcnBytes.Ect1,
        "tcpi_delivered_e0_bytes" => c.DeliveredEcnBytes.Ect0,
        "tcpi_delivered_ce_bytes" => c.DeliveredEcnBytes.Ce,
        "tcpi_received_e1_bytes" => c.ReceivedEcnBytes.Ect1,
        "tcpi_received_e0_bytes" => c.ReceivedEcnBytes.Ect0,
        "tcpi_received_ce_bytes" => c.ReceivedEcnBytes.Ce,
        "tcpi_accecn_fail_mode" => (long)c.AccEcnFailMode,
        "tcpi_accecn_opt_seen" => (long)c.AccEcnOptionSeen,
        "tcpi_bytes_sent" => c.Statistics.BytesSent,
        "tcpi_busy_time" => c.BusyTimeUs,
        "tcpi_rwnd_limited" => c.RwndLimitedUs,
        "tcpi_sndbuf_limited" => c.SndbufLimitedUs,
        "tcpi_reordering" => c.Reordering,
        "tcpi_snd_wscale" => c.SndWscale,
        "tcpi_rcv_wscale" => c.RcvWscale,
        "tcpi_bytes_acked" => c.Statistics.BytesAcked,
        "tcpi_bytes_received" => c.Statistics.BytesReceived,
        "tcpi_segs_out" => c.Statistics.SegmentsOut,
        "tcpi_segs_in" => c.Statistics.SegmentsIn,
        "tcpi_data_segs_out" => c.Statistics.DataSegmentsOut,
        "tcpi_data_segs_in" => c.Statistics.DataSegmentsIn,
        "tcpi_last_data_sent" => Milliseconds(c, c.LastSendJiffies),
        "tcpi_last_data_recv" => Milliseconds(c, c.LastDataReceivedJiffies),
        "tcpi_last_ack_recv" => Milliseconds(c, c.LastAckReceivedJiffies),
        "tcpi_ato" => (long)c.Settings.ToJiffies(c.AckTimeout) * 1_000_000L / c.Settings.Hz,
        "tcpi_min_rtt" => c.MinRttUs,
        "tcpi_rttvar" => c.Rtt is LinuxRttEstimator linux ? linux.MdevUs >> 2 : null,
        "tcpi_pmtu" => c.PathMtu,
        "tcpi_snd_wnd" => c.SndWnd,
        "tcpi_rcv_wnd" => c.RcvWnd,
        "tcpi_rcv_ssthresh" => c.ReceiveSsthresh,
        "tcpi_total_rto" => c.TotalRto,
        "tcpi_backoff" => c.Backoff,
        "tcpi_dsack_dups" => c.Statistics.DsackDups,
        "tcpi_notsent_bytes" => Math.Max(c.NotSentBytes, 0),
        "tcpi_pacing_rate" => (long)c.PacingRate,
        "tcpi_max_pacing_rate" => (long)c.MaxPacingRate,
        "tcpi_delivery_rate" => c.DeliveryRateBytesPerSecond,
        "tcpi_delivery_rate_app_limited" => c.DeliveryRate.RateAppLimited ? 1 : 0,
        "tcpi_bytes_retrans" => c.Statistics.BytesRetransmitted,
        "tcpi_rcv_ooopack" => c.Statistics.OutOfOrderPackets,
        "tcpi_reord_seen" => c.ReorderingSeen,
        "tcpi_rehash" => c.TimeoutRehashes,
        "tcpi_total_rto_recoveries" => c.TotalRtoRecoveries,
        "tcpi_total_rto_time" => c.TotalRtoTimeMs,
        "tcpi_snd_clamp" => c.Window.CwndClamp,

        // Fields tcp_get_info() leaves 0: FACK is gone (4.15), and the last ACK sent is not kept.
        "tcpi_fackets" or "tcpi_last_ack_sent" => 0,
        _ => null,
    };

    /// <summary>tcp_get_info()'s tcpi_options: the options agreed in the handshake, ECN, and SYN data taken (TCPI_OPT_*).</summary>
    private static long Options(TcpConnection c) =>
        (c.TimestampsAgreed ? 1 : 0) | (c.SackAgreed ? 2 : 0) | (c.WindowScalingAgreed ? 4 : 0)
        | (c.EcnNegotiated ? 8 : 0) | ((c.EcnFlags & EcnFlags.Seen) != 0 ? 16 : 0) | (c.SynDataAcked ? 32 : 0);

    /// <summary>jiffies_to_msecs(now - then), as tcp_get_info() reports the times since an event.</summary>
    private static long Milliseconds(TcpConnection c, uint then) => (long)(uint)(c.Jiffies - then) * 1000 / c.Settings.Hz;

    public static long? Constant(string name) => name switch
    {
        "TCPI_OPT_TIMESTAMPS" => 1,
        "TCPI_OPT_SACK" => 2,
        "TCPI_OPT_WSCALE" => 4,
        "TCPI_OPT_ECN" => 8,
        "TCPI_OPT_ECN_SEEN" => 16,
        "TCPI_OPT_SYN_DATA" => 32,
        "TCP_CA_Open" => 0,
        "TCP_CA_Disorder" => 1,
        "TCP_CA_CWR" => 2,
        "TCP_CA_Recovery" => 3,
        "TCP_CA_Loss" => 4,
        "TCP_ESTABLISHED" => (long)TcpState.Established,
        "TCP_SYN_SENT" => (long)TcpState.SynSent,
        "TCP_SYN_RECV" => (long)TcpState.SynReceived,
        "TCP_FIN_WAIT1" => (long)TcpState.FinWait1,
        "TCP_FIN_WAIT2" => (long)TcpState.FinWait2,
        "TCP_TIME_WAIT" => (long)TcpState.TimeWait,
        "TCP_CLOSE" => (long)TcpState.Closed,
        "TCP_CLOSE_WAIT" => (long)TcpState.CloseWait,
        "TCP_LAST_ACK" => (long)TcpState.LastAck,
        "TCP_LISTEN" => (long)TcpState.Listen,
        "TCP_CLOSING" => (long)TcpState.Closing,
        _ => null,
    };
}
