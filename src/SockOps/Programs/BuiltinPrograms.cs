namespace NetSim.SockOps.Programs;

/// <summary>The programs a scenario can name as <c>builtin:NAME</c>, with the parameters each takes.</summary>
public static class BuiltinPrograms
{
    /// <summary>How a scenario names a built-in program.</summary>
    public const string Prefix = "builtin:";

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new SortedDictionary<string, string>(
        KernelSamples.All.ToDictionary(s => s.Key, s => s.Value.Description),
        StringComparer.Ordinal)
    {
        ["cong"] = "as samples/bpf/tcp_cong_kern.c: NEEDS_ECN replies 1 (`ecn`, default true), both ESTABLISHED callbacks set TCP_CONGESTION to `algorithm` (default dctcp)",
        ["dumpstats"] = "as samples/bpf/tcp_dumpstats_kern.c: RTT_CB on from TCP_CONNECT_CB; at most once per `interval_ms` (1000) per socket, prints dsack_dups, delivered, delivered_ce and icsk_retransmits to sockops_output.csv",
        ["net_timestamping"] = "as the kernel selftest net_timestamping (Linux 6.15): BPF TX timestamping on from ACTIVE_ESTABLISHED; each write's last byte is followed through the device to its ACK, and its delays (in the stack, in the device queue, to the ACK) printed to sockops_output.csv",
        ["tcpbpf"] = "as the kernel selftest tcpbpf (test_tcpbpf_kern.c, IPv4 counterparts): event_map of the ops seen, window clamp 9216, cb_flags_set checks, TCP_SAVE_SYN; prints its globals to sockops_output.csv at each close",
        ["tcp_rtt"] = "as the kernel selftest tcp_rtt (progs/tcp_rtt.c): RTT_CB on from TCP_CONNECT_CB; counts RTT callbacks per socket with dsack_dups, delivered, delivered_ce and icsk_retransmits, printed to sockops_output.csv",
        ["watch"] = "sets `flags` on ACTIVE/PASSIVE_ESTABLISHED; clears RTT after `rtt_samples` RTT callbacks per socket",
    };

    public static IReadOnlyList<string> Names { get; } = [.. Descriptions.Keys];
}
