namespace NetSim.SockOps.Programs;

/// <summary>
/// builtin:dumpstats, the port of samples/bpf/tcp_dumpstats_kern.c: RTT_CB is turned on in
/// TCP_CONNECT_CB; on an RTT callback, at most once per <c>interval</c> (1 s) per socket, kept in
/// per-socket storage, it prints dsack_dups, delivered, delivered_ce and icsk_retransmits from
/// bpf_tcp_sock(). The lines go to sockops_output.csv.
/// </summary>
public sealed class DumpstatsProgram(ulong intervalNs) : SockOpsProgram
{
    private readonly SocketStorage<NextDump> _nextDump = new();

    public override string Name => BuiltinPrograms.Prefix + "dumpstats";

    public override int Run(SockOpsContext ctx)
    {
        switch ((int)ctx.op)
        {
            case Linux.BPF_SOCK_OPS_TCP_CONNECT_CB:
                ctx.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_RTT_CB_FLAG);
                return 1;
            case Linux.BPF_SOCK_OPS_RTT_CB:
                break;
            default:
                return 1;
        }

        var sk = ctx.sk;
        if (sk is null)
        {
            return 1;
        }

        var nextDump = _nextDump.Get(ctx, create: true);
        if (nextDump is null)
        {
            return 1;
        }

        var now = ctx.bpf_ktime_get_ns();
        if (now < nextDump.Value)
        {
            return 1;
        }

        var tcpSk = Linux.bpf_tcp_sock(sk);
        if (tcpSk is null)
        {
            return 1;
        }

        nextDump.Value = now + intervalNs;
        ctx.bpf_printk($"dsack_dups={tcpSk.dsack_dups} delivered={tcpSk.delivered}");
        ctx.bpf_printk($"delivered_ce={tcpSk.delivered_ce} icsk_retransmits={tcpSk.icsk_retransmits}");
        return 1;
    }

    private sealed class NextDump
    {
        public ulong Value { get; set; }
    }
}
