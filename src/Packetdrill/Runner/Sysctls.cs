using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.FastOpen;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The Linux sysctls a script's shell lines set, as the kernel's packetdrill selftests write them
/// (<c>sysctl -q net.ipv4.tcp_ecn=1</c>, <c>./set_sysctls.py /proc/sys/net/ipv4/tcp_sack=0</c>),
/// applied to the defaults of the sockets created after them. Only the ones the model has a
/// setting for are applied; the others leave the line reported as skipped.
/// </summary>
public static partial class Sysctls
{
    /// <summary>One assignment: the name after net.ipv4. or net.core. (or /proc/sys/net/...), and the value, unquoted.</summary>
    public readonly record struct Assignment(string Name, string Value);

    [GeneratedRegex(@"(?:net[./](?:ipv4|core)[./]|/proc/sys/net/(?:ipv4|core)/)(?<name>[a-z0-9_]+)=(?:""(?<value>[^""]*)""|'(?<value>[^']*)'|(?<value>[^\s`;]+))")]
    private static partial Regex AssignmentPattern();

    [GeneratedRegex(@"\$\(\((?<expression>[^()]*(?:\([^()]*\)[^()]*)*)\)\)")]
    private static partial Regex ArithmeticExpansion();

    /// <summary>
    /// The sysctl assignments in a shell line, in order, after the shell's arithmetic expansion of
    /// literal expressions (<c>tcp_rmem="4096 131072 $((32*1024*1024))"</c>).
    /// </summary>
    public static IReadOnlyList<Assignment> In(string shellText) =>
        [.. AssignmentPattern().Matches(ArithmeticExpansion().Replace(shellText, Expand))
            .Select(m => new Assignment(m.Groups["name"].Value, m.Groups["value"].Value.Trim()))];

    /// <summary>$(( )) of numbers alone; one naming a shell variable stays as written, and its sysctl unapplied.</summary>
    private static string Expand(Match expansion)
    {
        try
        {
            return IntegerExpression.Evaluate(expansion.Groups["expression"].Value, NoVariables, IntegerExpression.Shell).ToString(CultureInfo.InvariantCulture);
        }
        catch (ScriptFailedException)
        {
            return expansion.Value;
        }
    }

    private static long NoVariables(string name) => throw new ScriptFailedException($"$(( )): shell variable {name} is not known");

    /// <summary>
    /// Sysctls Linux reads each time it builds a segment, so a change reaches connections already
    /// open (tcp_established_options() reads tcp_ecn_option and tcp_ecn_option_beacon per packet).
    /// </summary>
    public static bool IsReadLive(Assignment sysctl) => sysctl.Name is "tcp_ecn_option" or "tcp_ecn_option_beacon" or "tcp_shrink_window";

    /// <summary>The settings with one sysctl applied; false when the model has no setting for it or the value is not one Linux takes.</summary>
    public static bool TryApply(TcpSettings settings, Assignment sysctl, out TcpSettings applied)
    {
        applied = settings;
        var numbers = sysctl.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = new long[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            // proc_dointvec() reads C integer literals: 0x202 is hex.
            var hex = numbers[i].StartsWith("0x", StringComparison.OrdinalIgnoreCase);
            if (!(hex
                ? long.TryParse(numbers[i].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out values[i])
                : long.TryParse(numbers[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out values[i])))
            {
                values = [];
                break;
            }
        }

        var one = values.Length == 1 ? values[0] : (long?)null;
        TcpSettings? result = (sysctl.Name, one, values.Length) switch
        {
            ("tcp_ecn", >= 0 and <= 5, _) => settings with { Ecn = (int)one!.Value },
            ("tcp_ecn_option", >= 0 and <= 3, _) => settings with { EcnOption = (int)one!.Value },
            ("tcp_ecn_option_beacon", >= 0 and <= 255, _) => settings with { EcnOptionBeacon = (int)one!.Value },
            ("tcp_ecn_fallback", { } v, _) => settings with { EcnFallback = v != 0 },
            ("tcp_sack", { } v, _) => settings with { Sack = v != 0 },
            ("tcp_dsack", { } v, _) => settings with { Dsack = v != 0 },
            // tcp_timestamps 2: timestamps without the random offset (tcp_v4_init_ts_off()).
            ("tcp_timestamps", { } v, _) => settings with { Timestamps = v != 0, TimestampOffsets = v == 1 },
            ("tcp_window_scaling", { } v, _) => settings with { WindowScaling = v != 0 },
            ("tcp_frto", { } v, _) => settings with { Frto = v != 0 },

            // Tail loss probes are on with tcp_early_retrans 3 or 4 (tcp_schedule_loss_probe()).
            ("tcp_early_retrans", >= 0 and <= 4, _) => settings with { TailLossProbe = one >= 3 },

            // TCP_RACK_LOSS_DETECTION (0x1); the static-window and no-dupthresh bits are not modelled.
            ("tcp_recovery", 0 or 1, _) => settings with { Rack = one == 1 },
            ("tcp_reordering", > 0, _) => settings with { DupThresh = (int)one!.Value },
            ("tcp_tw_reuse", >= 0 and <= 2, _) => settings with { TimeWaitReuse = (int)one!.Value },
            ("tcp_rfc1337", 0 or 1, _) => settings with { Rfc1337 = one == 1 },
            // tcp_tw_reuse_delay: milliseconds, from 1 to TCP_PAWS_MSL (60 s).
            ("tcp_tw_reuse_delay", >= 1 and <= 60_000, _) => settings with { TimeWaitReuseDelay = SimTime.FromMilliseconds(one!.Value) },
            // tcp_rto_min_us and tcp_rto_max_ms: each new socket's icsk_rto_min and icsk_rto_max
            // (tcp_init_sock(); the minimum in whole jiffies, rounded up), the latter 1 s to TCP_RTO_MAX (120 s).
            ("tcp_rto_min_us", >= 1 and <= int.MaxValue, _) => settings with { MinRto = settings.FromJiffies(settings.ToJiffies(SimTime.FromMicroseconds(one!.Value))) },
            ("tcp_rto_max_ms", >= 1000 and <= 120_000, _) => settings with { MaxRto = SimTime.FromMilliseconds(one!.Value) },
            ("tcp_retries1", >= 0 and <= 255, _) => settings with { Retries1 = (int)one!.Value },
            ("tcp_retries2", >= 0, _) => settings with { Retries2 = (int)one!.Value },
            ("tcp_mtu_probing", >= 0 and <= 2, _) => settings with { MtuProbing = (int)one!.Value },
            ("tcp_base_mss", >= 48 and <= ushort.MaxValue, _) => settings with { BaseMss = (int)one!.Value },
            ("tcp_probe_threshold", > 0, _) => settings with { ProbeThreshold = (int)one!.Value },
            ("tcp_probe_interval", >= 0 and <= uint.MaxValue, _) => settings with { ProbeInterval = SimTime.FromSeconds(one!.Value) },
            ("tcp_mtu_probe_floor", >= 48 and <= ushort.MaxValue, _) => settings with { MtuProbeFloor = (int)one!.Value },
            ("tcp_syn_retries", >= 1 and <= 127, _) => settings with { SynRetries = (int)one!.Value },
            ("tcp_syncookies", >= 0 and <= 2, _) => settings with { SynCookies = (int)one!.Value },
            ("tcp_abort_on_overflow", { } v, _) => settings with { AbortOnOverflow = v != 0 },
            ("tcp_synack_retries", >= 0, _) => settings with { SynAckRetries = (int)one!.Value },
            ("tcp_syn_linear_timeouts", >= 0, _) => settings with { SynLinearTimeouts = (int)one!.Value },
            ("tcp_thin_linear_timeouts", { } v, _) => settings with { ThinLinearTimeouts = v != 0 },
            ("tcp_slow_start_after_idle", { } v, _) => settings with { SlowStartAfterIdle = v != 0 },
            ("tcp_tso_win_divisor", >= 0 and <= 255, _) => settings with { TsoWinDivisor = (int)one!.Value },
            ("tcp_min_tso_segs", >= 1 and <= 255, _) => settings with { MinTsoSegments = (uint)one!.Value },
            ("tcp_fin_timeout", > 0, _) => settings with { FinTimeout = SimTime.FromSeconds(one!.Value) },
            ("tcp_keepalive_time", > 0, _) => settings with { KeepAliveTime = SimTime.FromSeconds(one!.Value) },
            ("tcp_keepalive_intvl", > 0, _) => settings with { KeepAliveInterval = SimTime.FromSeconds(one!.Value) },
            ("tcp_keepalive_probes", > 0, _) => settings with { KeepAliveProbes = (int)one!.Value },
            ("tcp_moderate_rcvbuf", { } v, _) => settings with { ModerateReceiveBuffer = v != 0 },
            ("tcp_shrink_window", { } v and (0 or 1), _) => settings with { ShrinkWindow = v != 0 },
            ("tcp_rcvbuf_low_rtt", >= 0 and <= int.MaxValue, _) => settings with { ReceiveBufferLowRtt = SimTime.FromMicroseconds(one!.Value) },
            ("tcp_notsent_lowat", >= 0, _) => settings with { NotSentLowWatermark = (uint)Math.Min(one!.Value, uint.MaxValue) },

            // tcp_rmem and tcp_wmem: min, default, max. A socket's receive window offers half its
            // buffer (tcp_full_space()), and the largest buffer sets the window scale.
            ("tcp_rmem", _, 3) => settings with { ReceiveBuffer = (int)(values[1] / 2), ReceiveBufferMax = (int)values[2] },
            ("tcp_wmem", _, 3) => settings with { SendBuffer = (int)values[1], SendBufferMax = (int)values[2] },
            // ipv4_local_port_range(): the first port at least ip_unprivileged_port_start (1024), the last not below it.
            ("ip_local_port_range", _, 2) when values[0] >= 1024 && values[0] <= values[1] && values[1] <= ushort.MaxValue =>
                settings with { LocalPortRange = new PortRange((ushort)values[0], (ushort)values[1]) },
            ("rmem_max", > 0, _) => settings with { RmemMax = (int)one!.Value },
            ("wmem_max", > 0, _) => settings with { WmemMax = (int)one!.Value },
            ("tcp_congestion_control", _, _) when CongestionControlRegistry.Names.Contains(sysctl.Value) => settings with { Congestion = sysctl.Value },

            // Bits the model does not know (Google's kernels use the high ones) are kept and ignored, as Linux keeps them.
            ("tcp_fastopen", >= 0 and <= int.MaxValue, _) => settings with { FastOpen = (FastOpenMode)one!.Value },
            ("tcp_fastopen_key", _, _) when FastOpenKeys.TryParse(sysctl.Value, out var keys) => settings with { FastOpenKeys = keys },
            _ => null,
        };

        if (result is null)
        {
            return false;
        }

        applied = result;
        return true;
    }
}
