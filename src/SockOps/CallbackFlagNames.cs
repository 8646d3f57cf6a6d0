using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

/// <summary>Callback flags by the short names scenarios use: RTO is BPF_SOCK_OPS_RTO_CB_FLAG, and so on.</summary>
public static class CallbackFlagNames
{
    private static readonly (string Name, SockOpsCallbackFlags Flag)[] All =
    [
        ("RTO", SockOpsCallbackFlags.Rto),
        ("RETRANS", SockOpsCallbackFlags.Retrans),
        ("STATE", SockOpsCallbackFlags.State),
        ("RTT", SockOpsCallbackFlags.Rtt),
        ("PARSE_ALL_HDR_OPT", SockOpsCallbackFlags.ParseAllHdrOpt),
        ("PARSE_UNKNOWN_HDR_OPT", SockOpsCallbackFlags.ParseUnknownHdrOpt),
        ("WRITE_HDR_OPT", SockOpsCallbackFlags.WriteHdrOpt),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    public static bool TryParse(string name, out SockOpsCallbackFlags flag)
    {
        foreach (var (candidate, value) in All)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                flag = value;
                return true;
            }
        }

        flag = SockOpsCallbackFlags.None;
        return false;
    }

    /// <summary>"RTO|STATE" style, for logs; "0" for none.</summary>
    public static string Format(SockOpsCallbackFlags flags)
    {
        if (flags == SockOpsCallbackFlags.None)
        {
            return "0";
        }

        return string.Join('|', All.Where(f => (flags & f.Flag) != 0).Select(f => f.Name));
    }
}
