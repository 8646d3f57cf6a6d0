// A per-connection congestion-control switch: a connection whose smoothed RTT exceeds
// `threshold_us` moves to `algorithm` (BBR unless told otherwise), the others keep the host's
// default. RTT_CB is turned on when the connection is established and off again once the
// decision is made, so later ACKs run no program; bpf_output() notes each switch in
// sockops_output.csv. Written as the C program would be: the
// kernel's names (BPF_SOCK_OPS_*, SOL_TCP, ...) come in with `using static NetSim.SockOps.Linux`.
using System.Globalization;
using System.Text;

public sealed class SwitchOnHighRtt : SockOpsProgram
{
    private readonly uint _thresholdUs;
    private readonly byte[] _algorithm;

    public SwitchOnHighRtt(IReadOnlyDictionary<string, string> parameters)
    {
        _thresholdUs = uint.Parse(parameters.GetValueOrDefault("threshold_us", "50000"), CultureInfo.InvariantCulture);
        _algorithm = Encoding.ASCII.GetBytes(parameters.GetValueOrDefault("algorithm", "bbr") + "\0");
    }

    public override string Name => "switch_on_high_rtt";

    public override int Run(SockOpsContext skops)
    {
        switch (skops.op)
        {
            case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                skops.bpf_sock_ops_cb_flags_set((int)skops.bpf_sock_ops_cb_flags | BPF_SOCK_OPS_RTT_CB_FLAG);
                break;
            case BPF_SOCK_OPS_RTT_CB:
                // srtt_us is the smoothed RTT in us shifted left by 3, as in struct tcp_sock.
                if (skops.srtt_us >> 3 > _thresholdUs)
                {
                    var result = skops.bpf_setsockopt(SOL_TCP, TCP_CONGESTION, _algorithm, _algorithm.Length);
                    skops.bpf_output(string.Create(CultureInfo.InvariantCulture, $"srtt {skops.srtt_us >> 3} us: switched (setsockopt returned {result})"));
                    skops.bpf_sock_ops_cb_flags_set((int)skops.bpf_sock_ops_cb_flags & ~BPF_SOCK_OPS_RTT_CB_FLAG);
                }

                break;
        }

        return 1;
    }
}
