using NetSim.Sim.Kernel;
using NetSim.Tcp.Rtt;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.FastOpen;

namespace NetSim.Tcp;

/// <summary>
/// Every constant of a TCP endpoint, each a named setting a scenario can override. The defaults
/// are the <see cref="Linux"/> profile; <see cref="Rfc"/> takes the RFCs' own values.
/// </summary>
public sealed record TcpSettings
{
    /// <summary>Largest payload this endpoint sends and advertises in its MSS option (bytes).</summary>
    public int Mss { get; init; } = 1460;

    /// <summary>Initial congestion window in segments (Linux TCP_INIT_CWND = 10, RFC 6928).</summary>
    public int InitialCwnd { get; init; } = 10;

    /// <summary>RTO before any RTT sample (RFC 6298 §2.1; Linux TCP_TIMEOUT_INIT).</summary>
    public SimTime InitialRto { get; init; } = SimTime.FromSeconds(1);

    /// <summary>Lower bound on the RTO (Linux TCP_RTO_MIN 200 ms; RFC 6298 §2.4 says 1 s).</summary>
    public SimTime MinRto { get; init; } = SimTime.FromMilliseconds(200);

    /// <summary>Upper bound on the RTO (Linux TCP_RTO_MAX, RFC 6298 §2.5 allows at least 60 s).</summary>
    public SimTime MaxRto { get; init; } = SimTime.FromSeconds(120);

    public RttEstimatorKind RttEstimator { get; init; } = RttEstimatorKind.Linux;

    /// <summary>The modelled kernel's timer frequency: RTOs are whole jiffies, and sock_ops args count jiffies.</summary>
    public int Hz { get; init; } = 1000;

    /// <summary>Delayed-ACK timeout (Linux TCP_DELACK_MIN 40 ms; RFC 9293 §3.8.6.3 allows up to 500 ms).</summary>
    public SimTime DelayedAckTimeout { get; init; } = SimTime.FromMilliseconds(40);

    /// <summary>
    /// Acknowledges every segment at once instead of every second one (RFC 5681 §4.2 makes delaying
    /// a SHOULD; Linux always delays, and packetdrill's TCP_QUICKACK only pauses it).
    /// </summary>
    public bool AckEverySegment { get; init; }

    /// <summary>
    /// Grows cwnd by the segments an ACK covers (RFC 3465 Appropriate Byte Counting; Linux counts
    /// acknowledged segments with no limit L). Off, each ACK counts once, as RFC 5681 §3.1 reads
    /// without ABC: delayed ACKs then halve the growth in congestion avoidance.
    /// </summary>
    public bool ByteCounting { get; init; } = true;

    /// <summary>ACKs sent at once, without delay, at the start of a transfer (Linux TCP_MAX_QUICKACKS).</summary>
    public int QuickAcks { get; init; } = 16;

    /// <summary>
    /// Receive buffer in payload bytes (half of Linux's sk_rcvbuf, tcp_rmem[1]), fixed unless
    /// <see cref="ReceiveBufferMax"/> lets the autotuning grow it; without window scaling the
    /// advertised window stops at 65535.
    /// </summary>
    public int ReceiveBuffer { get; init; } = 65535;

    /// <summary>Offers the timestamps option in the SYN (RFC 7323 §3-5; Linux tcp_timestamps = 1): RTTM and PAWS, 12 bytes on every segment.</summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>
    /// TSvals carry a random offset per connection, a hash of its addresses and ports (Linux
    /// tcp_timestamps = 1); off, the clock itself, which every host of a simulation shares
    /// (tcp_timestamps = 2).
    /// </summary>
    public bool TimestampOffsets { get; init; } = true;

    /// <summary>
    /// ECN as Linux's tcp_ecn (enum tcp_ecn_mode): 0 off; 1 RFC 3168 ECN asked for on outgoing
    /// connections and accepted on incoming ones; 2 (Linux's default) RFC 3168 accepted when the
    /// peer asks; 3 Accurate ECN (RFC 9768) asked for and accepted; 4 Accurate ECN accepted, RFC
    /// 3168 asked for; 5 Accurate ECN accepted, nothing asked for. An algorithm that needs ECN
    /// (DCTCP), or a sock_ops program answering NEEDS_ECN with 1, asks for RFC 3168 regardless.
    /// </summary>
    public int Ecn { get; init; } = 2;

    /// <summary>
    /// When the Accurate ECN option is sent once negotiated (tcp_ecn_option): 0 never, 1 when the
    /// counters need it (a change of codepoint, a 2^22-byte step, the beacon), 2 (Linux's default)
    /// on every segment it fits in unless it proved not to get through, 3 on every segment it fits in.
    /// </summary>
    public int EcnOption { get; init; } = 2;

    /// <summary>Under tcp_ecn_option 1, the option goes at least this many times per RTT (tcp_ecn_option_beacon, default 3); 0 for no beacon.</summary>
    public int EcnOptionBeacon { get; init; } = 3;

    /// <summary>
    /// ECN fallback (tcp_ecn_fallback, on by default): a SYN retransmitted (an Accurate ECN SYN
    /// retransmitted twice) stops asking for ECN (RFC 3168 §6.1.1.1), and handshake feedback that
    /// contradicts what was sent disables Accurate ECN's ACE field.
    /// </summary>
    public bool EcnFallback { get; init; } = true;

    /// <summary>
    /// The route marks CE at a shallow threshold and the receiver's ACKs are precise (the ecn_low
    /// route feature of Linux with BBRv3, tcp_set_ecn_low_from_dst()): BBRv3 then answers CE marks
    /// as well as losses. Other algorithms ignore it.
    /// </summary>
    public bool EcnLow { get; init; }

    /// <summary>Offers SACK-permitted in the SYN (RFC 2018; Linux tcp_sack = 1).</summary>
    public bool Sack { get; init; } = true;

    /// <summary>RACK loss detection with SACK (RFC 8985; Linux tcp_recovery = 1); off, a segment is lost once DupThresh segments above it are SACKed (RFC 6675).</summary>
    public bool Rack { get; init; } = true;

    /// <summary>
    /// Proportional Rate Reduction (RFC 6937, Linux's only behaviour) sets cwnd during recovery;
    /// off, cwnd drops to ssthresh at once and stays there (RFC 6675 §5), as older stacks and ns-3's
    /// classic recovery do.
    /// </summary>
    public bool Prr { get; init; } = true;

    /// <summary>F-RTO, spurious retransmission timeout detection (RFC 5682 §3.1 with SACK; Linux tcp_frto = 2).</summary>
    public bool Frto { get; init; } = true;

    /// <summary>Tail loss probes with SACK (RFC 8985 §7; Linux tcp_early_retrans = 3).</summary>
    public bool TailLossProbe { get; init; } = true;

    /// <summary>Reports duplicate segments with D-SACK blocks when SACK is in use (RFC 2883; Linux tcp_dsack = 1).</summary>
    public bool Dsack { get; init; } = true;

    /// <summary>Offers the window scale option in the SYN (RFC 7323 §2; Linux tcp_window_scaling = 1).</summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>
    /// The largest the receive buffer may grow to, as sk_rcvbuf (Linux tcp_rmem[2]: 6 MiB before
    /// 6.16, 32 MiB since): it sets the window scale shift, and the receive autotuning
    /// (tcp_rcv_space_adjust(), <see cref="ModerateReceiveBuffer"/>) grows the buffer up to it.
    /// Null keeps the buffer at <see cref="ReceiveBuffer"/> and takes that for the window scale.
    /// </summary>
    public int? ReceiveBufferMax { get; init; }

    /// <summary>Receive buffer autotuning (Linux tcp_moderate_rcvbuf = 1), where <see cref="ReceiveBufferMax"/> lets the buffer grow.</summary>
    public bool ModerateReceiveBuffer { get; init; } = true;

    /// <summary>
    /// Linux tcp_shrink_window (6.5, off by default): with window scaling the offered window may
    /// shrink to the free receive space (RFC 7323 §2.4), where Linux otherwise never retracts it.
    /// </summary>
    public bool ShrinkWindow { get; init; }

    /// <summary>
    /// TCP Small Queues' throttling (Linux 3.6, tcp_small_queue_check()): a socket keeps no more than
    /// two of its packets (TSO packets of about a millisecond at the pacing rate each) or a
    /// millisecond of data at its pacing rate, whichever is more, in its host's qdisc and device, and
    /// sends on as they are transmitted. Linux always throttles; it is off by default
    /// here, so that a sender whose own link is the bottleneck fills that link's queue, as in ns-3
    /// and as the buffer-sizing and throughput models assume. (<see cref="SmallQueues"/> is the
    /// writer's side of TSQ, which the model keeps either way.)
    /// </summary>
    public bool SmallQueueThrottling { get; init; }

    /// <summary>Linux tcp_limit_output_bytes: the most TCP Small Queues let an unpaced socket keep below it (4 MiB since 2025, 1 MiB before).</summary>
    public long LimitOutputBytes { get; init; } = 4 << 20;

    /// <summary>
    /// Below this receiver RTT the autotuning grows the buffer in proportion to the RTT rather than
    /// for a sender doubling its rate (Linux tcp_rcvbuf_low_rtt, 1 ms).
    /// </summary>
    public SimTime ReceiveBufferLowRtt { get; init; } = SimTime.FromMilliseconds(1);

    /// <summary>
    /// The shift this side offers, as Linux tcp_select_initial_window() computes it from the largest
    /// buffer: ilog2(space) - 15, within [0, 14] (RFC 7323 §2.3).
    /// </summary>
    public int WindowScaleShift => WindowScaleShiftFor(LargestReceiveBuffer);

    /// <summary>The most the receive buffer may grow to (tcp_rmem[2]): <see cref="ReceiveBufferMax"/>, else the fixed buffer.</summary>
    public int LargestReceiveBuffer => ReceiveBufferMax ?? ReceiveBuffer;

    /// <summary>tcp_select_initial_window()'s shift for a window of <paramref name="space"/> bytes: ilog2(space) - 15, within [0, 14].</summary>
    public static int WindowScaleShiftFor(long space) => Math.Clamp(System.Numerics.BitOperations.Log2((ulong)Math.Max(1, space)) - 15, 0, 14);

    /// <summary>
    /// net.core.wmem_max: the largest SO_SNDBUF request honoured (before doubling); 4 MB, Linux's
    /// default since 6.18 (212992, SK_WMEM_MAX, before).
    /// </summary>
    public int WmemMax { get; init; } = 4 << 20;

    /// <summary>
    /// net.core.rmem_max: the largest SO_RCVBUF request honoured (before doubling); 4 MB, Linux's
    /// default since 6.18 (212992, SK_RMEM_MAX, before).
    /// </summary>
    public int RmemMax { get; init; } = 4 << 20;

    /// <summary>SOCK_MIN_SNDBUF on x86-64: twice TCP_SKB_MIN_TRUESIZE.</summary>
    public const int MinSendBufferSize = 4608;

    /// <summary>SOCK_MIN_RCVBUF on x86-64: TCP_SKB_MIN_TRUESIZE.</summary>
    public const int MinReceiveBufferSize = 2304;

    /// <summary>
    /// setsockopt(SO_SNDBUF) (sk_setsockopt()): the sk_sndbuf a request gives, at most wmem_max
    /// doubled and at least SOCK_MIN_SNDBUF.
    /// </summary>
    public int SendBufferFor(int requested) => Doubled(requested, WmemMax, MinSendBufferSize);

    /// <summary>
    /// setsockopt(SO_RCVBUF) (__sock_set_rcvbuf()): the payload a request gives, half of the
    /// sk_rcvbuf (at most rmem_max doubled, at least SOCK_MIN_RCVBUF), as tcp_win_from_space()
    /// gives data at its default ratio.
    /// </summary>
    public int ReceiveBufferFor(int requested) => Doubled(requested, RmemMax, MinReceiveBufferSize) / 2;

    /// <summary>min_t(u32, val, max), then min(val, INT_MAX / 2) doubled, at least <paramref name="minimum"/>.</summary>
    private static int Doubled(int requested, int max, int minimum)
    {
        var value = (int)Math.Min((uint)requested, (uint)max);
        value = Math.Min(value, int.MaxValue / 2);
        return Math.Max(value * 2, minimum);
    }

    /// <summary>Send buffer in bytes (sk_sndbuf, Linux tcp_wmem[1]): how much the application may write ahead of what is acknowledged.</summary>
    public int SendBuffer { get; init; } = 1 << 20;

    /// <summary>
    /// The largest the send buffer may grow to (Linux tcp_wmem[2], 4 MiB) as cwnd grows
    /// (tcp_sndbuf_expand()); null keeps it at <see cref="SendBuffer"/>.
    /// </summary>
    public int? SendBufferMax { get; init; }

    /// <summary>Duplicate ACKs that trigger fast retransmit (RFC 5681 §3.2; Linux tcp_reordering = 3).</summary>
    public int DupThresh { get; init; } = 3;

    /// <summary>TIME-WAIT duration, 2*MSL (Linux TCP_TIMEWAIT_LEN = 60 s; RFC 9293 MSL = 2 min).</summary>
    public SimTime TimeWait { get; init; } = SimTime.FromSeconds(60);

    /// <summary>How long an orphaned connection waits in FIN-WAIT-2 for the peer's FIN (Linux tcp_fin_timeout, 60 s), unless TCP_LINGER2 says otherwise.</summary>
    public SimTime FinTimeout { get; init; } = SimTime.FromSeconds(60);

    /// <summary>
    /// Whether connect() may take over a TIME-WAIT socket's 4-tuple for a port it chooses (Linux
    /// tcp_tw_reuse): 0 never, 1 always, 2 (the default) only where either address is loopback.
    /// Timestamps must have been seen in the old connection (tcp_twsk_unique()).
    /// </summary>
    public int TimeWaitReuse { get; init; } = 2;

    /// <summary>A RST at RCV.NXT leaves a TIME-WAIT socket waiting instead of ending it (Linux tcp_rfc1337, off by default: RFC 1337's hazard stands).</summary>
    public bool Rfc1337 { get; init; }

    /// <summary>How long a TIME-WAIT socket must have existed before connect() takes it over (Linux tcp_tw_reuse_delay, 1000 ms).</summary>
    public SimTime TimeWaitReuseDelay { get; init; } = SimTime.FromMilliseconds(1000);

    /// <summary>The ports connect() chooses from when the socket has none (Linux ip_local_port_range, 32768 to 60999).</summary>
    public PortRange LocalPortRange { get; init; } = new(32768, 60999);

    /// <summary>SYN retransmissions before giving up (Linux tcp_syn_retries = 6).</summary>
    public int SynRetries { get; init; } = 6;

    /// <summary>SYN-ACK retransmissions before the request is dropped (Linux tcp_synack_retries = 5).</summary>
    public int SynAckRetries { get; init; } = 5;

    /// <summary>
    /// TCP Fast Open (RFC 7413) as Linux's net.ipv4.tcp_fastopen: which sides carry data in the
    /// SYN. Linux's default (1) enables only the client side; a listener takes SYN data once the
    /// server bit is set and it asks with setsockopt(TCP_FASTOPEN).
    /// </summary>
    public FastOpenMode FastOpen { get; init; } = FastOpenMode.ClientEnable;

    /// <summary>
    /// net.ipv4.tcp_fastopen_key: the keys server cookies are made with. Null draws a key from the
    /// host's random stream when first needed, as Linux makes a random one (tcp_fastopen_init_key_once()).
    /// </summary>
    public FastOpenKeys? FastOpenKeys { get; init; }

    /// <summary>Linear RTOs for thin streams on every connection (Linux tcp_thin_linear_timeouts = 0; per socket TCP_THIN_LINEAR_TIMEOUTS).</summary>
    public bool ThinLinearTimeouts { get; init; }

    /// <summary>
    /// Restart the window after an idle RTO (RFC 2861, RFC 5681 §4.1; Linux tcp_slow_start_after_idle = 1):
    /// a write after nothing was sent for longer than the RTO finds cwnd halved for each RTO idle,
    /// down to the initial window.
    /// </summary>
    public bool SlowStartAfterIdle { get; init; } = true;

    /// <summary>
    /// The fewest segments in a TSO packet (Linux tcp_min_tso_segs = 2), unless the congestion
    /// algorithm sets its own (BBR's min_tso_segs); where TSO packets end is where PSH falls.
    /// </summary>
    public uint MinTsoSegments { get; init; } = 2;

    /// <summary>
    /// TSO deferral's fraction of the window (Linux tcp_tso_win_divisor = 3): an skb the windows let
    /// go only in part goes anyway once a 1/divisor share of the window is free; 0 instead sends
    /// once more than three segments are.
    /// </summary>
    public int TsoWinDivisor { get; init; } = 3;

    /// <summary>
    /// Not-sent bytes beyond which a writer waits (Linux tcp_notsent_lowat; UINT_MAX, the default,
    /// means no limit; per socket TCP_NOTSENT_LOWAT).
    /// </summary>
    public uint NotSentLowWatermark { get; init; } = uint.MaxValue;

    /// <summary>SYN retransmissions at a constant RTO before exponential backoff (Linux 6.x tcp_syn_linear_timeouts = 4).</summary>
    public int SynLinearTimeouts { get; init; } = 4;

    /// <summary>Data retransmissions before the connection is aborted (Linux tcp_retries2 = 15, as a time horizon).</summary>
    public int Retries2 { get; init; } = 15;

    /// <summary>
    /// Retransmissions after which the path is suspected (Linux tcp_retries1 = 3, as a time horizon
    /// like <see cref="Retries2"/>): tcp_write_timeout() then runs black hole detection.
    /// </summary>
    public int Retries1 { get; init; } = 3;

    /// <summary>
    /// Packetization-layer path MTU discovery (RFC 4821; Linux tcp_mtu_probing): 0 off (the
    /// default), 1 only once the path is suspected to be a black hole, 2 always.
    /// </summary>
    public int MtuProbing { get; init; }

    /// <summary>The MSS MTU probing starts its search from and falls back to (Linux tcp_base_mss = 1024).</summary>
    public int BaseMss { get; init; } = 1024;

    /// <summary>The search range in bytes below which MTU probing stops (Linux tcp_probe_threshold = 8).</summary>
    public int ProbeThreshold { get; init; } = 8;

    /// <summary>Time after which a finished MTU search starts again from the current MSS (Linux tcp_probe_interval = 600 s).</summary>
    public SimTime ProbeInterval { get; init; } = SimTime.FromSeconds(600);

    /// <summary>The least MSS black hole detection brings the sender to (Linux tcp_mtu_probe_floor = 48).</summary>
    public int MtuProbeFloor { get; init; } = 48;

    /// <summary>Sends keepalive probes on an idle connection, like SO_KEEPALIVE (RFC 1122 §4.2.3.6; off by default).</summary>
    public bool KeepAlive { get; init; }

    /// <summary>Idle time before the first keepalive probe (Linux tcp_keepalive_time = 7200 s).</summary>
    public SimTime KeepAliveTime { get; init; } = SimTime.FromSeconds(7200);

    /// <summary>Time between unanswered keepalive probes (Linux tcp_keepalive_intvl = 75 s).</summary>
    public SimTime KeepAliveInterval { get; init; } = SimTime.FromSeconds(75);

    /// <summary>Unanswered keepalive probes before the connection is reset (Linux tcp_keepalive_probes = 9).</summary>
    public int KeepAliveProbes { get; init; } = 9;

    /// <summary>Least time between ACKs sent for out-of-window segments and challenge ACKs (Linux tcp_invalid_ratelimit = 500 ms; RFC 5961 §7).</summary>
    public SimTime InvalidAckRateLimit { get; init; } = SimTime.FromMilliseconds(500);

    /// <summary>Listen backlog when the application gives none (Linux SOMAXCONN = 4096).</summary>
    public int ListenBacklog { get; init; } = 4096;

    /// <summary>
    /// SYN cookies (Linux tcp_syncookies): 0 never, so a SYN that finds the listener's request
    /// queue over its backlog is dropped; 1 (the default) a cookie instead of a request in that
    /// case; 2 a cookie for every SYN.
    /// </summary>
    public int SynCookies { get; init; } = 1;

    /// <summary>
    /// Linux tcp_abort_on_overflow: the ACK that would complete a handshake while the listener's
    /// accept queue is full is answered with a RST and the request dropped; off (the default), the
    /// ACK is dropped and the request waits for its SYN-ACK to be answered again.
    /// </summary>
    public bool AbortOnOverflow { get; init; }

    /// <summary>Disables Nagle's algorithm (RFC 9293 §3.7.4) like TCP_NODELAY.</summary>
    public bool NoDelay { get; init; }

    /// <summary>Congestion control algorithm name (Linux tcp_congestion_ops.name; Linux's default is CUBIC).</summary>
    public string Congestion { get; init; } = "cubic";

    /// <summary>
    /// The host's qdisc is fq (Linux net.core.default_qdisc = fq): every connection is paced at
    /// tcp_update_pacing_rate()'s rate, whatever its algorithm. Off, only an algorithm that asks
    /// (BBR) or SO_MAX_PACING_RATE paces, through TCP's internal pacing.
    /// </summary>
    public bool Pacing { get; init; }

    /// <summary>
    /// TCP Small Queues hold a socket's transmissions while its packets wait in the device
    /// (tcp_small_queue_check()): a writer that owns the socket pushes little beyond what it
    /// copied into the send buffer (<see cref="TcpConnection.Write(long, SendFlags)"/>). False for
    /// a device that orphans what it is given, as packetdrill's tun does, so that TSQ never holds.
    /// </summary>
    public bool SmallQueues { get; init; } = true;

    /// <summary>How CUBIC ends its first slow start: Linux's HyStart, HyStart++ (RFC 9406), or not before a loss.</summary>
    public HystartMode Hystart { get; init; } = HystartMode.Classic;

    /// <summary>Linux as it behaves by default (the profile the sock_ops model is built around).</summary>
    public static TcpSettings Linux { get; } = new();

    /// <summary>The RFCs' own constants: RFC 6298 estimator with 1 s minimum RTO, 200 ms delayed ACK, no quick-ACK, MSL 2 min, Reno (RFC 5681, RFC 6582).</summary>
    public static TcpSettings Rfc { get; } = new()
    {
        MinRto = SimTime.FromSeconds(1),
        MaxRto = SimTime.FromSeconds(60),
        RttEstimator = RttEstimatorKind.Rfc6298,
        DelayedAckTimeout = SimTime.FromMilliseconds(200),
        QuickAcks = 0,
        TimeWait = SimTime.FromSeconds(240),
        SynLinearTimeouts = 0,
        Congestion = "reno",
        Rack = false,
        TailLossProbe = false,
    };

    /// <summary>Rounds a duration up to whole jiffies, as usecs_to_jiffies() does.</summary>
    public SimTime RoundUpToJiffy(SimTime t)
    {
        var jiffy = 1_000_000_000L / Hz;
        return SimTime.FromNanoseconds((t.Nanoseconds + jiffy - 1) / jiffy * jiffy);
    }

    /// <summary>A duration in jiffies of the modelled kernel, rounded up.</summary>
    public uint ToJiffies(SimTime t) => (uint)((t.Nanoseconds * Hz + 999_999_999L) / 1_000_000_000L);

    public SimTime FromJiffies(long jiffies) => SimTime.FromNanoseconds(jiffies * 1_000_000_000L / Hz);
}
