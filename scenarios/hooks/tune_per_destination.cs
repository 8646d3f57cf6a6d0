// Tuning per destination, as the kernel samples tcp_synrto_kern.c and tcp_iw_kern.c do:
// connections to a nearby service (remote port in `near_ports`) get a 10 ms SYN RTO
// (TIMEOUT_INIT's reply, in jiffies), since a lost SYN there should not cost a second; connections
// to a distant one (`far_ports`) start with an initial window of `iw` segments (TCP_BPF_IW in
// ACTIVE_ESTABLISHED_CB), so a short transfer crosses the long path in fewer round trips.
using System.Globalization;

public sealed class TunePerDestination : SockOpsProgram
{
    private readonly HashSet<uint> _near;
    private readonly HashSet<uint> _far;
    private readonly int _iw;

    public TunePerDestination(IReadOnlyDictionary<string, string> parameters)
    {
        _near = Ports(parameters.GetValueOrDefault("near_ports", string.Empty));
        _far = Ports(parameters.GetValueOrDefault("far_ports", string.Empty));
        _iw = int.Parse(parameters.GetValueOrDefault("iw", "40"), CultureInfo.InvariantCulture);
    }

    public override string Name => "tune_per_destination";

    public override int Run(SockOpsContext skops)
    {
        // remote_port is in network byte order in the upper 16 bits, as Linux gives it.
        var port = (skops.remote_port >> 24) | ((skops.remote_port >> 8) & 0xff00);
        switch (skops.op)
        {
            case BPF_SOCK_OPS_TIMEOUT_INIT when _near.Contains(port):
                skops.reply = 10;
                break;
            case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB when _far.Contains(port):
                skops.SetSockOpt(SOL_TCP, TCP_BPF_IW, _iw);
                break;
            default:
                skops.reply = unchecked((uint)-1);
                break;
        }

        return 1;
    }

    private static HashSet<uint> Ports(string list) =>
        [.. list.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => uint.Parse(p, CultureInfo.InvariantCulture))];
}
