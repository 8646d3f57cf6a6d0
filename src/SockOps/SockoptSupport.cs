using NetSim.SockOps.Kernel;

namespace NetSim.SockOps;

/// <summary>
/// One option bpf_setsockopt()/bpf_getsockopt() take from sock_ops, with the kernel version whose
/// helper first set it and first read it (null: never). Before Linux 6.1, __bpf_getsockopt() read
/// only SO_SNDBUF, SO_RCVBUF, SO_MARK, SO_PRIORITY, SO_BINDTOIFINDEX, SO_REUSEPORT, SO_TXREHASH,
/// TCP_CONGESTION, TCP_SAVED_SYN, IP_TOS and IPV6_TCLASS; 6.1 ("bpf: net: Remove duplicated code
/// from bpf_setsockopt()") routed both helpers through sk_setsockopt()/do_tcp_getsockopt(), which
/// made the rest readable and added SO_REUSEADDR, TCP_THIN_LINEAR_TIMEOUTS and IPV6_AUTOFLOWLABEL.
/// </summary>
internal readonly record struct SockoptSupport(int Level, int Name, string Text, KernelVersion? SetSince, KernelVersion? GetSince)
{
    private static readonly KernelVersion V4_13 = new(4, 13);
    private static readonly KernelVersion V5_9 = new(5, 9);
    private static readonly KernelVersion V5_10 = new(5, 10);
    private static readonly KernelVersion V6_1 = new(6, 1);

    /// <summary>Every option modelled. Versions marked "about" come from the merge window of the patch, not from a tagged release.</summary>
    public static readonly SockoptSupport[] All =
    [
        new(Linux.SOL_TCP, Linux.TCP_CONGESTION, "SOL_TCP, TCP_CONGESTION", V4_13, new(4, 15)),
        new(Linux.SOL_TCP, Linux.TCP_BPF_IW, "SOL_TCP, TCP_BPF_IW", V4_13, null),
        new(Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, "SOL_TCP, TCP_BPF_SNDCWND_CLAMP", V4_13, null),
        new(Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, "SOL_SOCKET, SO_MAX_PACING_RATE", V4_13, V6_1),
        new(Linux.SOL_SOCKET, Linux.SO_SNDBUF, "SOL_SOCKET, SO_SNDBUF", V4_13, V4_13),
        new(Linux.SOL_SOCKET, Linux.SO_RCVBUF, "SOL_SOCKET, SO_RCVBUF", V4_13, V4_13),
        new(Linux.SOL_SOCKET, Linux.SO_PRIORITY, "SOL_SOCKET, SO_PRIORITY", V4_13, V4_13),
        new(Linux.SOL_SOCKET, Linux.SO_MARK, "SOL_SOCKET, SO_MARK", V4_13, V4_13),
        new(Linux.SOL_SOCKET, Linux.SO_RCVLOWAT, "SOL_SOCKET, SO_RCVLOWAT", V4_13, V6_1),
        new(Linux.SOL_SOCKET, Linux.SO_KEEPALIVE, "SOL_SOCKET, SO_KEEPALIVE", V5_9, V6_1),
        new(Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, "SOL_SOCKET, SO_BINDTODEVICE", V5_9, null),

        // About 5.11: "bpf: Allow bpf_{s,g}etsockopt from cgroup bind{4,6} hooks" era.
        new(Linux.SOL_SOCKET, Linux.SO_BINDTOIFINDEX, "SOL_SOCKET, SO_BINDTOIFINDEX", new(5, 11), new(5, 11)),
        new(Linux.SOL_SOCKET, Linux.SO_REUSEPORT, "SOL_SOCKET, SO_REUSEPORT", new(5, 11), new(5, 11)),
        new(Linux.SOL_SOCKET, Linux.SO_TXREHASH, "SOL_SOCKET, SO_TXREHASH", new(5, 18), new(5, 18)),
        new(Linux.SOL_SOCKET, Linux.SO_REUSEADDR, "SOL_SOCKET, SO_REUSEADDR", V6_1, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_KEEPIDLE, "SOL_TCP, TCP_KEEPIDLE", V5_9, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_KEEPINTVL, "SOL_TCP, TCP_KEEPINTVL", V5_9, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_KEEPCNT, "SOL_TCP, TCP_KEEPCNT", V5_9, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_SYNCNT, "SOL_TCP, TCP_SYNCNT", V5_9, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT, "SOL_TCP, TCP_USER_TIMEOUT", V5_9, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_NOTSENT_LOWAT, "SOL_TCP, TCP_NOTSENT_LOWAT", V5_10, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_BPF_DELACK_MAX, "SOL_TCP, TCP_BPF_DELACK_MAX", V5_10, V5_10),
        new(Linux.SOL_TCP, Linux.TCP_BPF_RTO_MIN, "SOL_TCP, TCP_BPF_RTO_MIN", V5_10, V5_10),
        new(Linux.SOL_TCP, Linux.TCP_BPF_SYN, "SOL_TCP, TCP_BPF_SYN", null, V5_10),
        new(Linux.SOL_TCP, Linux.TCP_BPF_SYN_IP, "SOL_TCP, TCP_BPF_SYN_IP", null, V5_10),
        new(Linux.SOL_TCP, Linux.TCP_BPF_SYN_MAC, "SOL_TCP, TCP_BPF_SYN_MAC", null, V5_10),
        new(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, "SOL_TCP, TCP_WINDOW_CLAMP", new(5, 11), V6_1),
        new(Linux.SOL_TCP, Linux.TCP_SAVE_SYN, "SOL_TCP, TCP_SAVE_SYN", new(5, 0), V6_1),
        new(Linux.SOL_TCP, Linux.TCP_SAVED_SYN, "SOL_TCP, TCP_SAVED_SYN", null, new(5, 0)),
        new(Linux.SOL_IPV6, Linux.IPV6_TCLASS, "SOL_IPV6, IPV6_TCLASS", new(4, 16), new(4, 16)),
        new(Linux.SOL_IP, Linux.IP_TOS, "SOL_IP, IP_TOS", new(4, 19), new(4, 19)),
        new(Linux.SOL_TCP, Linux.TCP_NODELAY, "SOL_TCP, TCP_NODELAY", V6_1, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_MAXSEG, "SOL_TCP, TCP_MAXSEG", V6_1, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_THIN_LINEAR_TIMEOUTS, "SOL_TCP, TCP_THIN_LINEAR_TIMEOUTS", V6_1, V6_1),
        new(Linux.SOL_IPV6, Linux.IPV6_AUTOFLOWLABEL, "SOL_IPV6, IPV6_AUTOFLOWLABEL", V6_1, V6_1),
        new(Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS, "SOL_TCP, TCP_BPF_SOCK_OPS_CB_FLAGS", new(6, 12), new(6, 12)),
        new(Linux.SOL_SOCKET, Linux.SK_BPF_CB_FLAGS, "SOL_SOCKET, SK_BPF_CB_FLAGS", new(6, 15), new(6, 15)),
    ];

    public static SockoptSupport? Find(int level, int name)
    {
        foreach (var option in All)
        {
            if (option.Level == level && option.Name == name)
            {
                return option;
            }
        }

        return null;
    }

    public static string NameOf(int level, int name) => Find(level, name)?.Text ?? $"{level}, {name}";
}
