namespace NetSim.Tcp;

/// <summary>Per-connection counters, named after the tcp_sock fields a sock_ops program reads.</summary>
public sealed class TcpConnectionStatistics
{
    public long SegmentsIn { get; internal set; }
    public long DataSegmentsIn { get; internal set; }
    public long SegmentsOut { get; internal set; }
    public long DataSegmentsOut { get; internal set; }

    /// <summary>Segments retransmitted, for any reason (tp->total_retrans).</summary>
    public long TotalRetransmissions { get; internal set; }

    /// <summary>Payload bytes retransmitted (tp->bytes_retrans).</summary>
    public long BytesRetransmitted { get; internal set; }

    /// <summary>Packets received out of order, a packet standing for several counting each (tp->rcv_ooopack).</summary>
    public long OutOfOrderPackets { get; internal set; }

    public long FastRetransmits { get; internal set; }

    /// <summary>Retransmission-timer expiries (tp->total_rto).</summary>
    public long RetransmissionTimeouts { get; internal set; }

    /// <summary>Challenge ACKs sent (RFC 5961; Linux LINUX_MIB_TCPCHALLENGEACK).</summary>
    public long ChallengeAcks { get; internal set; }

    /// <summary>D-SACK blocks received (RFC 2883; Linux LINUX_MIB_TCPDSACKRECV).</summary>
    public long DsacksReceived { get; internal set; }

    /// <summary>Segments D-SACKs reported received twice (tp->dsack_dups, tcp_dsack_seen()).</summary>
    public long DsackDups { get; internal set; }

    /// <summary>Window reductions undone as spurious, by D-SACK, timestamps or F-RTO (Linux LINUX_MIB_TCPFULLUNDO, ...PARTIALUNDO, ...DSACKUNDO, ...LOSSUNDO).</summary>
    public long Undos { get; internal set; }

    /// <summary>Retransmission timeouts F-RTO found spurious (LINUX_MIB_TCPSPURIOUSRTOS).</summary>
    public long SpuriousRtos { get; internal set; }

    /// <summary>MTU probes sent, acknowledged and lost (Linux TCPMTUPSuccess and TCPMTUPFail count the last two).</summary>
    public long MtuProbes { get; internal set; }

    public long MtuProbesSucceeded { get; internal set; }

    public long MtuProbesFailed { get; internal set; }

    /// <summary>Data segments received marked Congestion Experienced (RFC 3168; Linux counts them as delivered_ce at the sender).</summary>
    public long CeReceived { get; internal set; }

    /// <summary>Window reductions for an ECN echo: entries into the CWR state (tcp_enter_cwr()).</summary>
    public long EcnReductions { get; internal set; }

    /// <summary>
    /// Sequence space acknowledged by the peer, FIN included (tp->bytes_acked); the SYN only on an
    /// active open: a passive socket is born with its SYN-ACK acknowledged (tcp_create_openreq_child()).
    /// </summary>
    public long BytesAcked { get; internal set; }

    /// <summary>Payload bytes sent, retransmissions included (tp->bytes_sent, RFC 4898 tcpEStatsPerfHCDataOctetsOut).</summary>
    public long BytesSent { get; internal set; }

    /// <summary>Sequence space received in order, FIN included (tp->bytes_received).</summary>
    public long BytesReceived { get; internal set; }

    /// <summary>Payload bytes handed to the application in order.</summary>
    public long BytesDelivered { get; internal set; }

    /// <summary>Segments whose payload was not at the stream offset the sender wrote it at; must stay 0.</summary>
    public long IntegrityErrors { get; internal set; }
}
