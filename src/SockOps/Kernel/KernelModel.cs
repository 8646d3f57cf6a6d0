using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Kernel;

/// <summary>
/// The Linux being modelled: its version decides which ops the TCP code invokes and which
/// callback flags exist (SOCKOPS.md §1-2); its HZ converts jiffies-valued args and replies.
/// </summary>
public sealed record KernelModel
{
    public KernelModel(KernelVersion version, int hz)
    {
        if (version < KernelVersion.Oldest || version > KernelVersion.Newest)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version,
                $"modelled kernels run from {KernelVersion.Oldest} to {KernelVersion.Newest}");
        }

        if (hz is not (100 or 250 or 300 or 1000))
        {
            throw new ArgumentOutOfRangeException(nameof(hz), hz, "Linux HZ is one of 100, 250, 300, 1000");
        }

        Version = version;
        Hz = hz;
    }

    public static KernelModel Default { get; } = new(KernelVersion.Newest, 1000);

    public KernelVersion Version { get; }

    public int Hz { get; }

    /// <summary>BPF_SOCK_OPS_ALL_CB_FLAGS of this release: 0x7 in 4.16, 0xF from 5.3, 0x7F from 5.10.</summary>
    public int AllCallbackFlags => Version switch
    {
        _ when Version >= new KernelVersion(5, 10) => 0x7F,
        _ when Version >= new KernelVersion(5, 3) => 0xF,
        _ when Version >= new KernelVersion(4, 16) => 0x7,
        _ => 0,
    };

    /// <summary>Whether bpf_sock_ops_cb_flags_set() exists (since 4.16).</summary>
    public bool HasCallbackFlagsHelper => Version >= new KernelVersion(4, 16);

    /// <summary>Whether the TCP code of this release invokes <paramref name="op"/> at all (the "since" column of SOCKOPS.md §1).</summary>
    public bool Invokes(SockOp op) => Version >= op switch
    {
        SockOp.BaseRtt => new KernelVersion(4, 15),
        SockOp.RtoCb or SockOp.RetransCb or SockOp.StateCb => new KernelVersion(4, 16),
        SockOp.TcpListenCb => new KernelVersion(4, 19),
        SockOp.RttCb => new KernelVersion(5, 3),
        SockOp.ParseHdrOptCb or SockOp.HdrOptLenCb or SockOp.WriteHdrOptCb => new KernelVersion(5, 10),
        >= SockOp.TstampSchedCb => new KernelVersion(6, 15),
        _ => KernelVersion.Oldest,
    };

    /// <summary>RTT_CB carries its two arguments only since 6.10; before, args read 0.</summary>
    public bool RttCallbackHasArgs => Version >= new KernelVersion(6, 10);
}
