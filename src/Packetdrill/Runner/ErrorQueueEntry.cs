using NetSim.Sim.Kernel;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// One message on a socket's error queue as recvmsg(MSG_ERRQUEUE) returns it (struct
/// sock_extended_err, include/uapi/linux/errqueue.h): where it comes from, its errno, code, info
/// and data, and for a timestamp the SCM_TIMESTAMPING control message's software time.
/// </summary>
internal readonly record struct ErrorQueueEntry(int Origin, int Errno, int Code, uint Info, uint Data, SimTime? Time)
{
    /// <summary>SO_EE_ORIGIN_TIMESTAMPING.</summary>
    public const int TimestampingOrigin = 4;

    /// <summary>SO_EE_ORIGIN_ZEROCOPY.</summary>
    public const int ZeroCopyOrigin = 5;

    /// <summary>SO_EE_CODE_ZEROCOPY_COPIED: the kernel copied the data after all.</summary>
    public const int ZeroCopyCopied = 1;

    /// <summary>ENOMSG, the errno of every timestamp (__skb_complete_tx_timestamp()).</summary>
    public const int NoMessage = 42;

    /// <summary>A zerocopy notification for the IDs <paramref name="first"/> to <paramref name="last"/> (ee_info to ee_data).</summary>
    public static ErrorQueueEntry ZeroCopy(uint first, uint last) => new(ZeroCopyOrigin, 0, ZeroCopyCopied, first, last, null);

    /// <summary>A transmit timestamp: its point in ee_info, its ID in ee_data.</summary>
    public static ErrorQueueEntry Timestamp(uint point, uint id, SimTime time) => new(TimestampingOrigin, NoMessage, 0, point, id, time);
}
