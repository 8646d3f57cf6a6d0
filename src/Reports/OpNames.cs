using NetSim.Tcp.Hooks;

namespace NetSim.Reports;

/// <summary>The kernel's name of each op, as sockops.csv shows it.</summary>
public static class OpNames
{
    public static string Of(SockOp op) => op switch
    {
        SockOp.Void => "BPF_SOCK_OPS_VOID",
        SockOp.TimeoutInit => "BPF_SOCK_OPS_TIMEOUT_INIT",
        SockOp.RwndInit => "BPF_SOCK_OPS_RWND_INIT",
        SockOp.TcpConnectCb => "BPF_SOCK_OPS_TCP_CONNECT_CB",
        SockOp.ActiveEstablishedCb => "BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB",
        SockOp.PassiveEstablishedCb => "BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB",
        SockOp.NeedsEcn => "BPF_SOCK_OPS_NEEDS_ECN",
        SockOp.BaseRtt => "BPF_SOCK_OPS_BASE_RTT",
        SockOp.RtoCb => "BPF_SOCK_OPS_RTO_CB",
        SockOp.RetransCb => "BPF_SOCK_OPS_RETRANS_CB",
        SockOp.StateCb => "BPF_SOCK_OPS_STATE_CB",
        SockOp.TcpListenCb => "BPF_SOCK_OPS_TCP_LISTEN_CB",
        SockOp.RttCb => "BPF_SOCK_OPS_RTT_CB",
        SockOp.ParseHdrOptCb => "BPF_SOCK_OPS_PARSE_HDR_OPT_CB",
        SockOp.HdrOptLenCb => "BPF_SOCK_OPS_HDR_OPT_LEN_CB",
        SockOp.WriteHdrOptCb => "BPF_SOCK_OPS_WRITE_HDR_OPT_CB",
        SockOp.TstampSchedCb => "BPF_SOCK_OPS_TSTAMP_SCHED_CB",
        SockOp.TstampSndSwCb => "BPF_SOCK_OPS_TSTAMP_SND_SW_CB",
        SockOp.TstampSndHwCb => "BPF_SOCK_OPS_TSTAMP_SND_HW_CB",
        SockOp.TstampAckCb => "BPF_SOCK_OPS_TSTAMP_ACK_CB",
        SockOp.TstampSendmsgCb => "BPF_SOCK_OPS_TSTAMP_SENDMSG_CB",
        _ => $"op{(int)op}",
    };
}
