namespace NetSim.SockOps.Programs;

/// <summary>
/// The per-connection tuning samples of Linux samples/bpf (Facebook's datacenter policy, 2017):
/// tcp_synrto_kern.c, tcp_rwnd_kern.c, tcp_bufs_kern.c, tcp_iw_kern.c, tcp_clamp_kern.c and
/// tcp_basertt_kern.c and tcp_tos_reflect_kern.c, op by op. The tuning samples first test port 55601 and whether the peer is in the same datacenter (the
/// first 44 bits of IPv6 addresses; basertt tests only the datacenter, tos_reflect neither); here, as for builtin:cong, that choice is the attachment's (which
/// hosts, flows or ports), since scenarios are IPv4. Their constants are parameters with the
/// samples' values as defaults.
/// </summary>
public static class KernelSamples
{
    /// <summary>Each sample: what it does, and its parameters with their defaults.</summary>
    public static IReadOnlyDictionary<string, (string Description, IReadOnlyDictionary<string, int> Parameters)> All { get; } =
        new SortedDictionary<string, (string, IReadOnlyDictionary<string, int>)>(StringComparer.Ordinal)
        {
            ["synrto"] = ("as samples/bpf/tcp_synrto_kern.c: TIMEOUT_INIT replies `timeout` jiffies (default 10) for the SYN and SYN-ACK RTO", Defaults(("timeout", 10))),
            ["rwnd"] = ("as samples/bpf/tcp_rwnd_kern.c: RWND_INIT replies `rwnd` segments (default 40)", Defaults(("rwnd", 40))),
            ["bufs"] = ("as samples/bpf/tcp_bufs_kern.c: RWND_INIT `rwnd` (40); SO_SNDBUF and SO_RCVBUF `buffer` (1500000) in TCP_CONNECT_CB and PASSIVE_ESTABLISHED", Defaults(("rwnd", 40), ("buffer", 1_500_000))),
            ["iw"] = ("as samples/bpf/tcp_iw_kern.c: bufs, and TCP_BPF_IW `iw` (40) in ACTIVE_ESTABLISHED", Defaults(("rwnd", 40), ("buffer", 1_500_000), ("iw", 40))),
            ["basertt"] = ("as samples/bpf/tcp_basertt_kern.c: BASE_RTT replies `base_rtt` us (default 80) when the connection's congestion control is nv (TCP-NV asks it at init)", Defaults(("base_rtt", 80))),
            ["tos_reflect"] = ("as samples/bpf/tcp_tos_reflect_kern.c: LISTEN sets TCP_SAVE_SYN; PASSIVE_ESTABLISHED reads the saved SYN's IP header and sets IP_TOS to its TOS when not 0", Defaults()),
            ["clamp"] = ("as samples/bpf/tcp_clamp_kern.c: TIMEOUT_INIT `timeout` (10); buffers `buffer` (150000) in TCP_CONNECT_CB and PASSIVE_ESTABLISHED; TCP_BPF_SNDCWND_CLAMP `clamp` (100) in both ESTABLISHED callbacks", Defaults(("timeout", 10), ("buffer", 150_000), ("clamp", 100))),
        };

    /// <summary>The sample <paramref name="name"/> with its parameters (any left out take the sample's value).</summary>
    public static KernelSampleProgram Create(string name, IReadOnlyDictionary<string, int> parameters)
    {
        int P(string key) => parameters.TryGetValue(key, out var value) ? value : All[name].Parameters[key];
        var actions = name switch
        {
            "synrto" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_TIMEOUT_INIT] = [Reply(P("timeout"))],
            },
            "rwnd" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_RWND_INIT] = [Reply(P("rwnd"))],
            },
            "bufs" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_RWND_INIT] = [Reply(P("rwnd"))],
                [Linux.BPF_SOCK_OPS_TCP_CONNECT_CB] = Buffers(P("buffer")),
                [Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB] = [],
                [Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB] = Buffers(P("buffer")),
            },
            "iw" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_RWND_INIT] = [Reply(P("rwnd"))],
                [Linux.BPF_SOCK_OPS_TCP_CONNECT_CB] = Buffers(P("buffer")),
                [Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB] = [SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_IW, P("iw"))],
                [Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB] = Buffers(P("buffer")),
            },
            "clamp" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_TIMEOUT_INIT] = [Reply(P("timeout"))],
                [Linux.BPF_SOCK_OPS_TCP_CONNECT_CB] = Buffers(P("buffer")),
                [Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB] = [SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, P("clamp"))],
                [Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB] = [SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, P("clamp")), .. Buffers(P("buffer"))],
            },
            "basertt" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_BASE_RTT] = [BaseRttForNv(P("base_rtt"))],
            },
            "tos_reflect" => new Dictionary<int, Func<SockOpsContext, int>[]>
            {
                [Linux.BPF_SOCK_OPS_TCP_LISTEN_CB] = [SetSockOpt(Linux.SOL_TCP, Linux.TCP_SAVE_SYN, 1)],
                [Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB] = [ReflectTos],
            },
            _ => throw new ArgumentException($"no kernel sample '{name}'", nameof(name)),
        };

        return new KernelSampleProgram(BuiltinPrograms.Prefix + name, actions);
    }

    private static IReadOnlyDictionary<string, int> Defaults(params (string Name, int Value)[] parameters) =>
        parameters.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    private static Func<SockOpsContext, int> Reply(int value) => _ => value;

    private static Func<SockOpsContext, int> SetSockOpt(int level, int optname, int value) => skops => skops.SetSockOpt(level, optname, value);

    /// <summary>
    /// tcp_basertt's BASE_RTT: the base RTT when getsockopt(TCP_CONGESTION) reads "nv", getsockopt's
    /// error when it fails, else -1 (no base RTT).
    /// </summary>
    private static Func<SockOpsContext, int> BaseRttForNv(int us) => skops =>
    {
        var congestion = new byte[20];
        var n = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, congestion, congestion.Length);
        if (n != 0)
        {
            return n;
        }

        return congestion.AsSpan(0, 3).SequenceEqual("nv\0"u8) ? us : -1;
    };

    /// <summary>tcp_tos_reflect's PASSIVE_ESTABLISHED: the TOS byte of the saved SYN's IPv4 header, set with IP_TOS unless 0; the reply is getsockopt's result.</summary>
    private static int ReflectTos(SockOpsContext skops)
    {
        const int IpHeaderBytes = 20;
        var header = new byte[IpHeaderBytes];
        var rv = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_SAVED_SYN, header, header.Length);
        if (rv == 0 && header[1] != 0)
        {
            skops.SetSockOpt(Linux.SOL_IP, Linux.IP_TOS, header[1]);
        }

        return rv;
    }

    /// <summary>bpf_setsockopt() of SO_SNDBUF, then SO_RCVBUF, to the same size.</summary>
    private static Func<SockOpsContext, int>[] Buffers(int size) =>
        [SetSockOpt(Linux.SOL_SOCKET, Linux.SO_SNDBUF, size), SetSockOpt(Linux.SOL_SOCKET, Linux.SO_RCVBUF, size)];
}
