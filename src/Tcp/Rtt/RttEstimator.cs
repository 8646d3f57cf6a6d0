using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Rtt;

/// <summary>
/// Smooths RTT samples into SRTT and the retransmission timeout. Both variants also keep Linux's
/// rtt_seq: a sample is reported as "once per window" on the first measurement and whenever
/// snd_una has passed the snd_nxt recorded at the previous report, which is exactly when
/// tcp_rtt_estimator() invokes the RTT_CB sock_ops callback.
/// </summary>
public abstract class RttEstimator
{
    private SequenceNumber _rttSeq;

    protected RttEstimator(TcpSettings settings)
    {
        Settings = settings;
        Rto = settings.InitialRto;
    }

    /// <summary>
    /// The connection's settings, kept current as setsockopt() and sock_ops programs change them:
    /// the RTO bounds (icsk_rto_min, icsk_rto_max) are read at each sample, as tcp_rto_min() is.
    /// </summary>
    public TcpSettings Settings { get; internal set; }

    /// <summary>Smoothed RTT in microseconds shifted left by 3 (Linux tp->srtt_us); 0 before the first sample.</summary>
    public long SrttUs8 { get; protected set; }

    /// <summary>The current RTO before any backoff, bounded to [min, max] RTO.</summary>
    public SimTime Rto { get; protected set; }

    public bool HasSample => SrttUs8 != 0;

    /// <summary>TCP_TIMEOUT_FALLBACK, RFC 6298 §5.7's 3 s.</summary>
    public static SimTime TimeoutFallback { get; } = SimTime.FromSeconds(3);

    /// <summary>
    /// RFC 6298 §5.7, as Linux tcp_init_metrics() applies it: a handshake that gave no RTT sample
    /// (its SYN or SYN-ACK retransmitted, and no timestamp echoed) starts the transfer with a 3 s
    /// RTO instead of the 1 s it began with. The first sample replaces it.
    /// </summary>
    public virtual void FallBack() => Rto = TimeoutFallback;

    /// <summary>Adds a measured RTT; returns true when Linux would call RTT_CB for it.</summary>
    public bool AddSample(long measuredUs, SequenceNumber sndUna, SequenceNumber sndNxt)
    {
        var first = !HasSample;
        var windowPassed = first || sndUna > _rttSeq;
        Update(Math.Max(1, measuredUs), first, windowPassed);
        if (windowPassed)
        {
            _rttSeq = sndNxt;
        }

        return windowPassed;
    }

    protected abstract void Update(long measuredUs, bool first, bool windowPassed);

    protected SimTime Bound(SimTime rto) => SimTime.Min(SimTime.Max(rto, Settings.MinRto), Settings.MaxRto);

    public static RttEstimator Create(TcpSettings settings) => settings.RttEstimator switch
    {
        RttEstimatorKind.Linux => new LinuxRttEstimator(settings),
        RttEstimatorKind.Rfc6298 => new Rfc6298RttEstimator(settings),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.RttEstimator, "unknown RTT estimator"),
    };
}
