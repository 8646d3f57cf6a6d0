namespace NetSim.SockOps;

/// <summary>
/// The kernel's own names and values (include/uapi/linux/bpf.h, include/uapi/asm-generic/errno*.h),
/// so that a C sock_ops program ports line by line: <c>using static NetSim.SockOps.Linux;</c>.
/// </summary>
#pragma warning disable CA1707 // The kernel's identifiers are kept as they are.
public static class Linux
{
    public const int BPF_SOCK_OPS_VOID = 0;
    public const int BPF_SOCK_OPS_TIMEOUT_INIT = 1;
    public const int BPF_SOCK_OPS_RWND_INIT = 2;
    public const int BPF_SOCK_OPS_TCP_CONNECT_CB = 3;
    public const int BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB = 4;
    public const int BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB = 5;
    public const int BPF_SOCK_OPS_NEEDS_ECN = 6;
    public const int BPF_SOCK_OPS_BASE_RTT = 7;
    public const int BPF_SOCK_OPS_RTO_CB = 8;
    public const int BPF_SOCK_OPS_RETRANS_CB = 9;
    public const int BPF_SOCK_OPS_STATE_CB = 10;
    public const int BPF_SOCK_OPS_TCP_LISTEN_CB = 11;
    public const int BPF_SOCK_OPS_RTT_CB = 12;
    public const int BPF_SOCK_OPS_PARSE_HDR_OPT_CB = 13;
    public const int BPF_SOCK_OPS_HDR_OPT_LEN_CB = 14;
    public const int BPF_SOCK_OPS_WRITE_HDR_OPT_CB = 15;
    public const int BPF_SOCK_OPS_TSTAMP_SCHED_CB = 16;
    public const int BPF_SOCK_OPS_TSTAMP_SND_SW_CB = 17;
    public const int BPF_SOCK_OPS_TSTAMP_SND_HW_CB = 18;
    public const int BPF_SOCK_OPS_TSTAMP_ACK_CB = 19;
    public const int BPF_SOCK_OPS_TSTAMP_SENDMSG_CB = 20;

    /// <summary>setsockopt(SOL_SOCKET) from BPF (6.15): the socket's BPF callback flags; SK_BPF_CB_TX_TIMESTAMPING is the only one.</summary>
    public const int SK_BPF_CB_FLAGS = 1009;
    public const int SK_BPF_CB_TX_TIMESTAMPING = 1;
    public const int SK_BPF_CB_MASK = SK_BPF_CB_TX_TIMESTAMPING;

    public const int BPF_SOCK_OPS_RTO_CB_FLAG = 0x1;
    public const int BPF_SOCK_OPS_RETRANS_CB_FLAG = 0x2;
    public const int BPF_SOCK_OPS_STATE_CB_FLAG = 0x4;
    public const int BPF_SOCK_OPS_RTT_CB_FLAG = 0x8;
    public const int BPF_TCP_ESTABLISHED = 1;
    public const int BPF_TCP_SYN_SENT = 2;
    public const int BPF_TCP_SYN_RECV = 3;
    public const int BPF_TCP_FIN_WAIT1 = 4;
    public const int BPF_TCP_FIN_WAIT2 = 5;
    public const int BPF_TCP_TIME_WAIT = 6;
    public const int BPF_TCP_CLOSE = 7;
    public const int BPF_TCP_CLOSE_WAIT = 8;
    public const int BPF_TCP_LAST_ACK = 9;
    public const int BPF_TCP_LISTEN = 10;
    public const int BPF_TCP_CLOSING = 11;
    public const int BPF_TCP_NEW_SYN_RECV = 12;

    public const int SOL_IP = 0;
    public const int IP_TOS = 1;
    public const int SOL_IPV6 = 41;
    public const int IPV6_TCLASS = 67;
    public const int IPPROTO_TCP = 6;
    public const int TCP_MAXSEG = 2;
    public const int TCP_SAVE_SYN = 27;
    public const int TCP_SAVED_SYN = 28;
    public const int SOL_SOCKET = 1;
    public const int SO_SNDBUF = 7;
    public const int SO_RCVBUF = 8;
    public const int SO_KEEPALIVE = 9;
    public const int TCP_WINDOW_CLAMP = 10;
    public const int TCP_NODELAY = 1;
    public const int TCP_KEEPIDLE = 4;
    public const int TCP_KEEPINTVL = 5;
    public const int TCP_KEEPCNT = 6;
    public const int TCP_SYNCNT = 7;
    public const int TCP_USER_TIMEOUT = 18;
    public const int TCP_BPF_DELACK_MAX = 1003;
    public const int TCP_BPF_RTO_MIN = 1004;
    public const int TCP_BPF_SOCK_OPS_CB_FLAGS = 1008;
    public const int SOL_TCP = 6;
    public const int SO_MAX_PACING_RATE = 47;
    public const int TCP_CONGESTION = 13;
    public const int SO_REUSEADDR = 2;
    public const int SO_PRIORITY = 12;
    public const int SO_REUSEPORT = 15;
    public const int SO_RCVLOWAT = 18;
    public const int SO_BINDTODEVICE = 25;
    public const int SO_MARK = 36;
    public const int SO_BINDTOIFINDEX = 62;
    public const int SO_TXREHASH = 74;
    public const int TCP_THIN_LINEAR_TIMEOUTS = 16;
    public const int TCP_NOTSENT_LOWAT = 25;
    public const int IPV6_AUTOFLOWLABEL = 70;

    /// <summary>bpf_getsockopt() from sock_ops only: the SYN's TCP header; with its IP header; with its link-layer header too.</summary>
    public const int TCP_BPF_SYN = 1005;
    public const int TCP_BPF_SYN_IP = 1006;
    public const int TCP_BPF_SYN_MAC = 1007;

    /// <summary>Linux's IFNAMSIZ: a device name with its NUL.</summary>
    public const int IFNAMSIZ = 16;
    public const int TCP_BPF_IW = 1001;
    public const int TCP_BPF_SNDCWND_CLAMP = 1002;

    /// <summary>Longest congestion-control name, its terminating NUL included.</summary>
    public const int TCP_CA_NAME_MAX = 16;

    /// <summary>bpf_tcp_sock(sk): the TCP view of a full TCP socket, or null.</summary>
    public static BpfTcpSock? bpf_tcp_sock(BpfSock? sk) =>
        sk is { } socket && socket.Connection.IsFullSocket ? new BpfTcpSock(socket.Connection) : null;

    public const int AF_INET = 2;
    public const int AF_INET6 = 10;

    public const ulong BPF_ANY = 0;
    public const ulong BPF_NOEXIST = 1;
    public const ulong BPF_EXIST = 2;

    public const int E2BIG = 7;
    public const int EEXIST = 17;
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ENOMSG = 42;
    public const int EFAULT = 14;
    public const int ENODEV = 19;

    /// <summary>bpf_load_hdr_opt() flag: search the SYN (the one a SYN-ACK answers, or the saved one).</summary>
    public const ulong BPF_LOAD_HDR_OPT_TCP_SYN = 1;

    public const int BPF_SOCK_OPS_PARSE_ALL_HDR_OPT_CB_FLAG = 0x10;
    public const int BPF_SOCK_OPS_PARSE_UNKNOWN_HDR_OPT_CB_FLAG = 0x20;
    public const int BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG = 0x40;

    /// <summary>HDR_OPT_LEN_CB and WRITE_HDR_OPT_CB's args[0]: a normal segment, the tcp_current_mss() query, a SYN-ACK with a cookie.</summary>
    public const int BPF_WRITE_HDR_TCP_CURRENT_MSS = 1;
    public const int BPF_WRITE_HDR_TCP_SYNACK_COOKIE = 2;
    public const int EOPNOTSUPP = 95;
}
#pragma warning restore CA1707
