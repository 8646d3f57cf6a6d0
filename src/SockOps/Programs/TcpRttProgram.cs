using System.Globalization;

namespace NetSim.SockOps.Programs;

/// <summary>
/// builtin:tcp_rtt, the program of the kernel selftest tcp_rtt
/// (tools/testing/selftests/bpf/progs/tcp_rtt.c): RTT_CB is turned on in TCP_CONNECT_CB; each
/// RTT_CB counts the call and copies dsack_dups, delivered, delivered_ce and icsk_retransmits from
/// bpf_tcp_sock() into per-socket storage, and prints the storage to sockops_output.csv.
/// </summary>
public sealed class TcpRttProgram : SockOpsProgram
{
    /// <summary>struct tcp_rtt_storage.</summary>
    public sealed record Storage
    {
        public uint Invoked { get; set; }
        public uint DsackDups { get; set; }
        public uint Delivered { get; set; }
        public uint DeliveredCe { get; set; }
        public uint IcskRetransmits { get; set; }
    }

    /// <summary>socket_storage_map: each socket's counts.</summary>
    public SocketStorage<Storage> SocketStorageMap { get; } = new();

    public override string Name => BuiltinPrograms.Prefix + "tcp_rtt";

    public override int Run(SockOpsContext ctx)
    {
        var sk = ctx.sk;
        if (sk is null)
        {
            return 1;
        }

        var storage = SocketStorageMap.Get(ctx, create: true);
        if (storage is null)
        {
            return 1;
        }

        if (ctx.op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB)
        {
            ctx.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_RTT_CB_FLAG);
            return 1;
        }

        if (ctx.op != Linux.BPF_SOCK_OPS_RTT_CB || Linux.bpf_tcp_sock(sk) is not { } tcpSk)
        {
            return 1;
        }

        storage.Invoked++;
        storage.DsackDups = tcpSk.dsack_dups;
        storage.Delivered = tcpSk.delivered;
        storage.DeliveredCe = tcpSk.delivered_ce;
        storage.IcskRetransmits = tcpSk.icsk_retransmits;
        ctx.bpf_output(string.Create(CultureInfo.InvariantCulture,
            $"invoked={storage.Invoked} dsack_dups={storage.DsackDups} delivered={storage.Delivered} delivered_ce={storage.DeliveredCe} icsk_retransmits={storage.IcskRetransmits}"));
        return 1;
    }
}
