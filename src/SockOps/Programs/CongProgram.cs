namespace NetSim.SockOps.Programs;

/// <summary>
/// builtin:cong, the actions of Linux samples/bpf/tcp_cong_kern.c on every connection of the
/// hosts it is attached to: NEEDS_ECN answers 1 (when <see cref="Ecn"/>), and both ESTABLISHED
/// callbacks switch the connection to <see cref="Algorithm"/> with
/// bpf_setsockopt(SOL_TCP, TCP_CONGESTION). The sample's own test (port 55601, same-datacenter
/// IPv6 addresses) is left to the attachment: scenarios are IPv4 and choose hosts.
/// </summary>
public sealed class CongProgram(string algorithm, bool ecn) : SockOpsProgram
{
    public override string Name => BuiltinPrograms.Prefix + "cong";

    public string Algorithm { get; } = algorithm;

    public bool Ecn { get; } = ecn;

    public override int Run(SockOpsContext skops)
    {
        switch (skops.op)
        {
            case Linux.BPF_SOCK_OPS_NEEDS_ECN when Ecn:
                skops.reply = 1;
                break;
            case Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
            case Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
                skops.reply = unchecked((uint)skops.SetCongestion(Algorithm));
                break;
        }

        return 1;
    }
}
