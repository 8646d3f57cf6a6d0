namespace NetSim.Tcp;

/// <summary>What a timewait socket decides for a segment (Linux enum tcp_tw_status), which the stack then carries out (tcp_v4_rcv()).</summary>
internal enum TimeWaitVerdict
{
    /// <summary>TCP_TW_SUCCESS: the segment is dropped with no answer.</summary>
    Drop,

    /// <summary>TCP_TW_ACK: the timewait socket acknowledges it.</summary>
    Ack,

    /// <summary>TCP_TW_ACK_OOW: acknowledged as a segment out of the window, the ACK's IP ECN field cleared.</summary>
    OutOfWindowAck,

    /// <summary>TCP_TW_RST: answered with a RST, and the timewait socket is gone.</summary>
    Reset,

    /// <summary>TCP_TW_SYN: a SYN that may open a new connection on the 4-tuple, if a listener takes it.</summary>
    Reopen,
}
