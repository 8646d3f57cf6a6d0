// An RTO-storm study: RTO_CB costs a program run at every timeout, so it is enabled only on
// connections that have retransmitted at all. RETRANS_CB is on from the start; the first
// retransmission turns RTO_CB on as well, and every timeout after that is noted with its
// backoff count and RTO (args[0], args[1] in jiffies) through bpf_output().
using System.Globalization;

public sealed class RtoStorm : SockOpsProgram
{
    public override string Name => "rto_storm";

    public override int Run(SockOpsContext skops)
    {
        switch (skops.op)
        {
            case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                skops.bpf_sock_ops_cb_flags_set(BPF_SOCK_OPS_RETRANS_CB_FLAG);
                break;
            case BPF_SOCK_OPS_RETRANS_CB when ((int)skops.bpf_sock_ops_cb_flags & BPF_SOCK_OPS_RTO_CB_FLAG) == 0:
                skops.bpf_sock_ops_cb_flags_set((int)skops.bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RTO_CB_FLAG);
                break;
            case BPF_SOCK_OPS_RTO_CB:
                skops.bpf_output(string.Create(CultureInfo.InvariantCulture, $"timeout {skops.args[0] + 1} in a row: rto {skops.args[1]} jiffies"));
                break;
        }

        return 1;
    }
}
