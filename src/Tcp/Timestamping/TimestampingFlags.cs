namespace NetSim.Tcp.Timestamping;

/// <summary>
/// setsockopt(SO_TIMESTAMPING)'s flags (include/uapi/linux/net_tstamp.h,
/// Documentation/networking/timestamping.rst): which timestamps are generated, which reported,
/// and how they are keyed.
/// </summary>
[Flags]
public enum TimestampingFlags
{
    None = 0,
    TxHardware = 1 << 0,
    TxSoftware = 1 << 1,
    RxHardware = 1 << 2,
    RxSoftware = 1 << 3,
    Software = 1 << 4,
    SysHardware = 1 << 5,
    RawHardware = 1 << 6,

    /// <summary>Each timestamp carries an ID in ee_data: for TCP, the timestamped byte's offset from where counting began.</summary>
    OptId = 1 << 7,

    /// <summary>A timestamp as the packet enters the device's queueing layer (__dev_queue_xmit()).</summary>
    TxSched = 1 << 8,

    /// <summary>A timestamp once the peer has acknowledged all the data up to the timestamped byte (tcp_ack_tstamp()).</summary>
    TxAck = 1 << 9,
    OptCmsg = 1 << 10,
    OptTsOnly = 1 << 11,
    OptStats = 1 << 12,
    OptPktInfo = 1 << 13,
    OptTxSwHw = 1 << 14,
    BindPhc = 1 << 15,

    /// <summary>With OPT_ID, count IDs from the write sequence rather than SND.UNA.</summary>
    OptIdTcp = 1 << 16,
    OptRxFilter = 1 << 17,
    TxCompletion = 1 << 18,

    /// <summary>SOF_TIMESTAMPING_MASK: every flag this kernel knows.</summary>
    All = (1 << 19) - 1,

    /// <summary>SOF_TIMESTAMPING_TX_RECORD_MASK: the flags that ask for a transmit timestamp.</summary>
    TxRecord = TxHardware | TxSoftware | TxSched | TxAck | TxCompletion,
}
