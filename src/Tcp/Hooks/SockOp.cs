namespace NetSim.Tcp.Hooks;

/// <summary>The sock_ops operations the TCP code invokes, with Linux's BPF_SOCK_OPS_* values (include/uapi/linux/bpf.h).</summary>
public enum SockOp
{
    Void = 0,
    TimeoutInit = 1,
    RwndInit = 2,
    TcpConnectCb = 3,
    ActiveEstablishedCb = 4,
    PassiveEstablishedCb = 5,
    NeedsEcn = 6,
    BaseRtt = 7,
    RtoCb = 8,
    RetransCb = 9,
    StateCb = 10,
    TcpListenCb = 11,
    RttCb = 12,
    ParseHdrOptCb = 13,
    HdrOptLenCb = 14,
    WriteHdrOptCb = 15,
    TstampSchedCb = 16,
    TstampSndSwCb = 17,
    TstampSndHwCb = 18,
    TstampAckCb = 19,
    TstampSendmsgCb = 20,
}
