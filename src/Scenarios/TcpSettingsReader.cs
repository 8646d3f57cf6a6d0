using NetSim.Scenarios.Yaml;
using NetSim.Tcp;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Rtt;

namespace NetSim.Scenarios;

/// <summary>Reads TCP settings (the scenario's <c>defaults:</c> and a flow's <c>tcp:</c>) over a base profile.</summary>
internal static class TcpSettingsReader
{
    internal static readonly string[] Fields =
    [
        "profile", "congestion", "mss", "initial_cwnd", "initial_rto", "min_rto", "max_rto", "rtt_estimator",
        "delayed_ack", "quick_acks", "receive_buffer", "send_buffer", "dupthresh", "time_wait", "fin_timeout",
        "syn_retries", "synack_retries", "syn_linear_timeouts", "retries2", "nodelay", "window_scaling", "timestamps", "timestamp_offsets",
        "sack", "dsack", "rack", "tlp", "receive_buffer_max", "send_buffer_max", "moderate_rcvbuf", "shrink_window", "small_queues", "limit_output_bytes", "rcvbuf_low_rtt", "tso_win_divisor", "keepalive", "keepalive_time", "keepalive_interval", "keepalive_probes",
        "invalid_ack_rate_limit", "listen_backlog", "syn_cookies", "abort_on_overflow", "ack_every_segment", "byte_counting", "ecn", "ecn_option", "ecn_fallback", "ecn_low", "frto", "hystart", "pacing", "prr", "wmem_max", "rmem_max",
        "thin_linear_timeouts", "notsent_lowat", "slow_start_after_idle", "mtu_probing", "base_mss",
        "tw_reuse", "tw_reuse_delay", "local_port_range",
    ];

    public static TcpSettings Read(YamlMap map, TcpSettings inherited)
    {
        map.RejectUnknownKeys(Fields);
        var settings = map.Scalar("profile") switch
        {
            null => inherited,
            "linux" => TcpSettings.Linux with { Hz = inherited.Hz },
            "rfc" => TcpSettings.Rfc with { Hz = inherited.Hz },
            var other => throw map.Error("profile", $"unknown profile '{other}' (valid: linux, rfc)"),
        };

        if (map.Scalar("congestion") is { } named)
        {
            // NewReno (RFC 6582) is Reno's congestion avoidance with NewReno loss recovery, which a flow without SACK has; Linux calls it reno.
            var congestion = named == "newreno" ? "reno" : named;
            if (!CongestionControlRegistry.TryCreate(congestion, out _))
            {
                throw map.Error("congestion", $"unknown congestion control '{congestion}' (valid: {string.Join(", ", CongestionControlRegistry.Names)}, newreno)");
            }

            settings = settings with { Congestion = congestion };
        }

        if (map.Scalar("hystart") is { } hystart)
        {
            settings = settings with
            {
                Hystart = hystart switch
                {
                    "classic" => HystartMode.Classic,
                    "plusplus" => HystartMode.PlusPlus,
                    "off" => HystartMode.Off,
                    _ => throw map.Error("hystart", $"unknown slow-start exit '{hystart}' (valid: classic, plusplus, off)"),
                },
            };
        }

        if (map.Scalar("rtt_estimator") is { } estimator)
        {
            settings = settings with
            {
                RttEstimator = estimator switch
                {
                    "linux" => RttEstimatorKind.Linux,
                    "rfc6298" => RttEstimatorKind.Rfc6298,
                    _ => throw map.Error("rtt_estimator", $"unknown estimator '{estimator}' (valid: linux, rfc6298)"),
                },
            };
        }

        settings = settings with
        {
            Mss = (int)(Positive(map, "mss", map.Size("mss")) ?? settings.Mss),
            InitialCwnd = (int)(Positive(map, "initial_cwnd", map.Integer("initial_cwnd")) ?? settings.InitialCwnd),
            InitialRto = PositiveTime(map, "initial_rto") ?? settings.InitialRto,
            MinRto = PositiveTime(map, "min_rto") ?? settings.MinRto,
            MaxRto = PositiveTime(map, "max_rto") ?? settings.MaxRto,
            DelayedAckTimeout = PositiveTime(map, "delayed_ack") ?? settings.DelayedAckTimeout,
            QuickAcks = (int)(NonNegative(map, "quick_acks") ?? settings.QuickAcks),
            AckEverySegment = map.Boolean("ack_every_segment") ?? settings.AckEverySegment,
            ByteCounting = map.Boolean("byte_counting") ?? settings.ByteCounting,
            Ecn = EcnMode(map) ?? settings.Ecn,
            EcnOption = EcnOptionMode(map) ?? settings.EcnOption,
            EcnFallback = map.Boolean("ecn_fallback") ?? settings.EcnFallback,
            EcnLow = map.Boolean("ecn_low") ?? settings.EcnLow,
            ReceiveBuffer = (int)(Positive(map, "receive_buffer", map.Size("receive_buffer")) ?? settings.ReceiveBuffer),
            SendBuffer = (int)(Positive(map, "send_buffer", map.Size("send_buffer")) ?? settings.SendBuffer),
            WmemMax = (int)(Positive(map, "wmem_max", map.Size("wmem_max")) ?? settings.WmemMax),
            RmemMax = (int)(Positive(map, "rmem_max", map.Size("rmem_max")) ?? settings.RmemMax),
            DupThresh = (int)(Positive(map, "dupthresh", map.Integer("dupthresh")) ?? settings.DupThresh),
            TimeWait = PositiveTime(map, "time_wait") ?? settings.TimeWait,
            FinTimeout = PositiveTime(map, "fin_timeout") ?? settings.FinTimeout,
            TimeWaitReuse = TimeWaitReuseMode(map) ?? settings.TimeWaitReuse,
            TimeWaitReuseDelay = TimeWaitReuseDelay(map) ?? settings.TimeWaitReuseDelay,
            LocalPortRange = LocalPortRange(map) ?? settings.LocalPortRange,
            SynRetries = (int)(NonNegative(map, "syn_retries") ?? settings.SynRetries),
            SynAckRetries = (int)(NonNegative(map, "synack_retries") ?? settings.SynAckRetries),
            SynLinearTimeouts = (int)(NonNegative(map, "syn_linear_timeouts") ?? settings.SynLinearTimeouts),
            ThinLinearTimeouts = map.Boolean("thin_linear_timeouts") ?? settings.ThinLinearTimeouts,
            SlowStartAfterIdle = map.Boolean("slow_start_after_idle") ?? settings.SlowStartAfterIdle,
            NotSentLowWatermark = (uint?)Positive(map, "notsent_lowat", map.Size("notsent_lowat")) ?? settings.NotSentLowWatermark,
            Retries2 = (int)(NonNegative(map, "retries2") ?? settings.Retries2),
            MtuProbing = (int)(MtuProbingMode(map) ?? settings.MtuProbing),
            BaseMss = (int)(Positive(map, "base_mss", map.Size("base_mss")) ?? settings.BaseMss),
            NoDelay = map.Boolean("nodelay") ?? settings.NoDelay,
            WindowScaling = map.Boolean("window_scaling") ?? settings.WindowScaling,
            Timestamps = map.Boolean("timestamps") ?? settings.Timestamps,
            TimestampOffsets = map.Boolean("timestamp_offsets") ?? settings.TimestampOffsets,
            Sack = map.Boolean("sack") ?? settings.Sack,
            Dsack = map.Boolean("dsack") ?? settings.Dsack,
            Rack = map.Boolean("rack") ?? settings.Rack,
            TailLossProbe = map.Boolean("tlp") ?? settings.TailLossProbe,
            Frto = map.Boolean("frto") ?? settings.Frto,
            Prr = map.Boolean("prr") ?? settings.Prr,
            Pacing = map.Boolean("pacing") ?? settings.Pacing,
            ReceiveBufferMax = (int?)Positive(map, "receive_buffer_max", map.Size("receive_buffer_max")) ?? settings.ReceiveBufferMax,
            SendBufferMax = (int?)Positive(map, "send_buffer_max", map.Size("send_buffer_max")) ?? settings.SendBufferMax,
            ModerateReceiveBuffer = map.Boolean("moderate_rcvbuf") ?? settings.ModerateReceiveBuffer,
            ShrinkWindow = map.Boolean("shrink_window") ?? settings.ShrinkWindow,
            SmallQueueThrottling = map.Boolean("small_queues") ?? settings.SmallQueueThrottling,
            LimitOutputBytes = Positive(map, "limit_output_bytes", map.Size("limit_output_bytes")) ?? settings.LimitOutputBytes,
            TsoWinDivisor = (int)(NonNegative(map, "tso_win_divisor") ?? settings.TsoWinDivisor),
            ReceiveBufferLowRtt = NonNegativeTime(map, "rcvbuf_low_rtt") ?? settings.ReceiveBufferLowRtt,
            KeepAlive = map.Boolean("keepalive") ?? settings.KeepAlive,
            KeepAliveTime = PositiveTime(map, "keepalive_time") ?? settings.KeepAliveTime,
            KeepAliveInterval = PositiveTime(map, "keepalive_interval") ?? settings.KeepAliveInterval,
            KeepAliveProbes = (int)(Positive(map, "keepalive_probes", map.Integer("keepalive_probes")) ?? settings.KeepAliveProbes),
            InvalidAckRateLimit = NonNegativeTime(map, "invalid_ack_rate_limit") ?? settings.InvalidAckRateLimit,
            ListenBacklog = (int)(NonNegative(map, "listen_backlog") ?? settings.ListenBacklog),
            SynCookies = (int)(NonNegative(map, "syn_cookies") ?? settings.SynCookies),
            AbortOnOverflow = map.Boolean("abort_on_overflow") ?? settings.AbortOnOverflow,
        };

        if (settings.MinRto > settings.MaxRto)
        {
            throw map.Error("min_rto", $"min_rto ({settings.MinRto}) exceeds max_rto ({settings.MaxRto})");
        }

        if (settings.SynCookies > 2)
        {
            throw map.Error("syn_cookies", "syn_cookies is 0 (never), 1 (when the request queue overflows) or 2 (always), as tcp_syncookies");
        }

        if (settings.Mss > ushort.MaxValue)
        {
            throw map.Error("mss", "an MSS fits in 16 bits");
        }

        if (settings.BaseMss is < 48 or > ushort.MaxValue)
        {
            throw map.Error("base_mss", $"tcp_base_mss lies in [48, 65535] (got {settings.BaseMss})");
        }

        return settings;
    }

    private static long? Positive(YamlMap map, string key, long? value) =>
        value is <= 0 or > int.MaxValue ? throw map.Error(key, $"must be a positive number below 2^31 (got {value})") : value;

    private static long? NonNegative(YamlMap map, string key)
    {
        var value = map.Integer(key);
        return value is < 0 or > int.MaxValue ? throw map.Error(key, $"must be a whole number from 0 (got {value})") : value;
    }

    private static Sim.Kernel.SimTime? NonNegativeTime(YamlMap map, string key)
    {
        var value = map.Duration(key);
        return value < Sim.Kernel.SimTime.Zero ? throw map.Error(key, "must not be negative") : value;
    }

    private static Sim.Kernel.SimTime? PositiveTime(YamlMap map, string key)
    {
        var value = map.Duration(key);
        return value <= Sim.Kernel.SimTime.Zero ? throw map.Error(key, "must be positive") : value;
    }

    /// <summary>Linux tcp_ecn: 0 off; 1 ask and accept, 2 accept when asked (RFC 3168); 3 ask and accept, 4 accept and ask for RFC 3168, 5 accept only (Accurate ECN).</summary>
    private static int? EcnMode(YamlMap map)
    {
        var mode = map.Integer("ecn");
        return mode is null or (>= 0 and <= 5)
            ? (int?)mode
            : throw map.Error("ecn", "tcp_ecn is 0 (off), 1 (ask for RFC 3168 ECN and accept it), 2 (accept it when asked, Linux's default), 3 (ask for Accurate ECN and accept it), 4 (accept Accurate ECN, ask for RFC 3168) or 5 (accept Accurate ECN only)");
    }

    /// <summary>Linux tcp_ecn_option: when an Accurate ECN connection sends its option.</summary>
    private static int? EcnOptionMode(YamlMap map)
    {
        var mode = map.Integer("ecn_option");
        return mode is null or (>= 0 and <= 3)
            ? (int?)mode
            : throw map.Error("ecn_option", "tcp_ecn_option is 0 (never), 1 (when the counters need it), 2 (on every segment unless it does not get through, Linux's default) or 3 (on every segment)");
    }

    /// <summary>Linux tcp_tw_reuse: whether connect() may take over a TIME-WAIT socket's 4-tuple.</summary>
    private static int? TimeWaitReuseMode(YamlMap map)
    {
        var mode = map.Integer("tw_reuse");
        return mode is null or (>= 0 and <= 2)
            ? (int?)mode
            : throw map.Error("tw_reuse", "tcp_tw_reuse is 0 (never), 1 (once the TIME-WAIT socket is older than tw_reuse_delay) or 2 (only with a loopback address, Linux's default)");
    }

    /// <summary>Linux tcp_tw_reuse_delay: 1 ms to TCP_PAWS_MSL (60 s), whole milliseconds.</summary>
    private static Sim.Kernel.SimTime? TimeWaitReuseDelay(YamlMap map)
    {
        var delay = map.Duration("tw_reuse_delay");
        return delay is null || (delay.Value >= Sim.Kernel.SimTime.FromMilliseconds(1) && delay.Value <= Sim.Kernel.SimTime.FromSeconds(60)
            && delay.Value.Nanoseconds % 1_000_000 == 0)
            ? delay
            : throw map.Error("tw_reuse_delay", "tcp_tw_reuse_delay is whole milliseconds from 1ms to 60s (Linux's default is 1000ms)");
    }

    /// <summary>Linux ip_local_port_range, written <c>LOW-HIGH</c>: the ports connect() chooses from.</summary>
    private static PortRange? LocalPortRange(YamlMap map)
    {
        if (map.Scalar("local_port_range") is not { } text)
        {
            return null;
        }

        var ends = text.Split('-');
        return ends.Length == 2
            && ushort.TryParse(ends[0].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var low)
            && ushort.TryParse(ends[1].Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var high)
            && low >= 1024 && low <= high
            ? new PortRange(low, high)
            : throw map.Error("local_port_range", $"'{text}' is not a port range: write LOW-HIGH with 1024 <= LOW <= HIGH <= 65535, e.g. 32768-60999 (Linux's default)");
    }

    /// <summary>Linux tcp_mtu_probing: whether packetization-layer path MTU discovery (RFC 4821) runs.</summary>
    private static int? MtuProbingMode(YamlMap map)
    {
        var mode = map.Integer("mtu_probing");
        return mode is null or (>= 0 and <= 2)
            ? (int?)mode
            : throw map.Error("mtu_probing", "tcp_mtu_probing is 0 (off, Linux's default), 1 (once retransmission timeouts suggest a black hole) or 2 (always)");
    }
}
