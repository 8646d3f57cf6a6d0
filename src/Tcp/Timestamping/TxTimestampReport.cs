using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Timestamping;

/// <summary>
/// SCM_TSTAMP_* (include/uapi/linux/errqueue.h): the point a transmit timestamp was taken,
/// reported in ee_info.
/// </summary>
public enum TxTimestampPoint
{
    /// <summary>SCM_TSTAMP_SND: the driver handed the packet to the device (skb_tx_timestamp()).</summary>
    Sent = 0,

    /// <summary>SCM_TSTAMP_SCHED: the packet entered the device's queueing layer.</summary>
    Scheduled = 1,

    /// <summary>SCM_TSTAMP_ACK: the peer acknowledged the timestamped byte.</summary>
    Acknowledged = 2,
}

/// <summary>
/// One transmit timestamp for the socket's error queue (__skb_complete_tx_timestamp()): where it
/// was taken, its ID (ee_data: the timestamped byte's offset under SOF_TIMESTAMPING_OPT_ID, else
/// 0) and the software time.
/// </summary>
public readonly record struct TxTimestampReport(TxTimestampPoint Point, uint Id, SimTime Time);
