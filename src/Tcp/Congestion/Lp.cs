namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP Low Priority (Kuzmanovic and Knightly, INFOCOM 2003) as Linux implements it in
/// net/ipv4/tcp_lp.c: Reno, which takes only the bandwidth other flows leave. From every ACK's
/// timestamps it estimates the one-way delay (the peer's TSval against the echoed TSecr, the
/// peer's clock rate estimated too) and smooths it; when the smoothed delay rises above 15% of
/// the way from the smallest to the largest seen (an early congestion indication), it halves
/// cwnd, or drops it to one segment if the last indication was less than three RTTs ago (the
/// inference time-out), and grows not at all within that time. Losses are Reno's.
/// </summary>
/// <remarks>
/// The arithmetic is the module's, unsigned 32 bits where its fields are: the delay is a relative
/// one, the peer's TSval less our own clock, and so carries the peer's random timestamp offset
/// (tcp_timestamps = 1). Its smoothed value is kept shifted left by three in 32 bits, so from an
/// offset of 2^29 ms up the smoothed delay wraps below the smallest one and never reaches the
/// threshold: Linux's TCP-LP then behaves as Reno. Without timestamps it is Reno.
/// </remarks>
public sealed class Lp : ICongestionControl
{
    /// <summary>LP_RESOL: the one-way delay's resolution, TCP_TS_HZ (1,000 a second).</summary>
    private const uint Resolution = 1000;

    /// <summary>TCP_TS_HZ: our own timestamp clock's rate.</summary>
    private const uint TimestampHz = 1000;

    private readonly Reno _reno = new();
    private TcpConnection? _connection;
    private LpFlags _flags;
    private uint _smoothedOwd;
    private uint _owdMin = uint.MaxValue;
    private uint _owdMax;
    private uint _owdMaxReserved;
    private uint _remoteHz;
    private uint _remoteReferenceTime;
    private uint _localReferenceTime;
    private uint _lastDrop;
    private uint _inference;

    [Flags]
    private enum LpFlags : uint
    {
        ValidRemoteHz = 1 << 0,
        ValidOwd = 1 << 1,
        WithinThreshold = 1 << 3,
        WithinInference = 1 << 4,
    }

    public string Name => "lp";

    /// <summary>The peer's timestamp clock rate as estimated (lp->remote_hz), in ticks a second.</summary>
    public uint RemoteHz => _remoteHz;

    /// <summary>The smoothed one-way delay, in ms (lp->sowd >> 3).</summary>
    public uint SmoothedOwd => _smoothedOwd >> 3;

    /// <summary>The last early congestion indication cut cwnd less than an inference time-out ago, and cwnd does not grow (LP_WITHIN_INF).</summary>
    public bool WithinInference => (_flags & LpFlags.WithinInference) != 0;

    /// <summary>The early congestion indications that cut cwnd so far.</summary>
    public long Indications { get; private set; }

    /// <summary>tcp_lp_init().</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _flags = 0;
        _smoothedOwd = 0;
        _owdMin = uint.MaxValue;
        _owdMax = 0;
        _owdMaxReserved = 0;
        _remoteHz = 0;
        _remoteReferenceTime = 0;
        _localReferenceTime = 0;
        _lastDrop = 0;
        _inference = 0;
    }

    public uint Ssthresh(CongestionWindow window) => _reno.Ssthresh(window);

    /// <summary>tcp_lp_cong_avoid(): Reno's growth, but none within the inference time-out.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (!WithinInference)
        {
            _reno.CongestionAvoid(window, acked);
        }
    }

    public void SetState(CongestionWindow window, CaState state)
    {
    }

    /// <summary>
    /// tcp_lp_pkts_acked(): the delay sample, the inference time-out (three RTTs as the echoed
    /// timestamp gives them), and the early congestion indication's cut.
    /// </summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        // The SYN-ACK's, before init: tcp_lp_init() resets all it would write, and tcp_init_transfer() cwnd.
        if (_connection is null)
        {
            return;
        }

        if (rttUs > 0)
        {
            SampleOwd(connection);
        }

        var now = connection.TimestampClock;
        var delta = unchecked(now - connection.ReceivedTsEcr);
        if ((int)delta > 0)
        {
            _inference = unchecked(3u * delta);
        }

        _flags = _lastDrop != 0 && unchecked(now - _lastDrop) < _inference
            ? _flags | LpFlags.WithinInference
            : _flags & ~LpFlags.WithinInference;

        _flags = SmoothedOwd < unchecked(_owdMin + (15u * (_owdMax - _owdMin) / 100u))
            ? _flags | LpFlags.WithinThreshold
            : _flags & ~LpFlags.WithinThreshold;
        if ((_flags & LpFlags.WithinThreshold) != 0)
        {
            return;
        }

        // The module's FIXME: the range starts again around the smoothed delay after each indication.
        _owdMin = _smoothedOwd >> 3;
        _owdMax = _smoothedOwd >> 2;
        _owdMaxReserved = _smoothedOwd >> 2;
        var window = connection.Window;
        window.Cwnd = WithinInference ? 1u : Math.Max(window.Cwnd >> 1, 1u);
        _lastDrop = now;
        Indications++;
    }

    /// <summary>tcp_lp_rtt_sample(): the delay's minimum, its maximum (forgetting the largest once), and its smoothed value (7/8 old, 1/8 new).</summary>
    private void SampleOwd(TcpConnection connection)
    {
        long owd = OneWayDelay(connection);
        if ((_flags & (LpFlags.ValidRemoteHz | LpFlags.ValidOwd)) != (LpFlags.ValidRemoteHz | LpFlags.ValidOwd))
        {
            return;
        }

        if (owd < _owdMin)
        {
            _owdMin = (uint)owd;
        }

        if (owd > _owdMax)
        {
            if (owd > _owdMaxReserved)
            {
                _owdMax = _owdMaxReserved == 0 ? (uint)owd : _owdMaxReserved;
                _owdMaxReserved = (uint)owd;
            }
            else
            {
                _owdMax = (uint)owd;
            }
        }

        _smoothedOwd = _smoothedOwd != 0
            ? unchecked((uint)(_smoothedOwd + (owd - (_smoothedOwd >> 3))))
            : unchecked((uint)(owd << 3));
    }

    /// <summary>tcp_lp_owd_calculator(): the peer's TSval in our clock's units less the echoed TSecr, in 32 bits.</summary>
    private uint OneWayDelay(TcpConnection connection)
    {
        _remoteHz = EstimateRemoteHz(connection);
        var owd = (_flags & LpFlags.ValidRemoteHz) != 0
            ? unchecked((connection.ReceivedTsVal * (Resolution / _remoteHz)) - (connection.ReceivedTsEcr * (Resolution / TimestampHz)))
            : 0u;
        _flags = owd > 0 ? _flags | LpFlags.ValidOwd : _flags & ~LpFlags.ValidOwd;
        return owd;
    }

    /// <summary>
    /// tcp_lp_remote_hz_estimator(): the peer's clock rate from how far its TSval moved against
    /// the echoed TSecr since the last ACK, smoothed 63/64 old and 1/64 new.
    /// </summary>
    private uint EstimateRemoteHz(TcpConnection connection)
    {
        var tsVal = connection.ReceivedTsVal;
        var tsEcr = connection.ReceivedTsEcr;
        long rhz = unchecked(_remoteHz << 6);
        if (_remoteReferenceTime != 0 && _localReferenceTime != 0 && tsVal != _remoteReferenceTime && tsEcr != _localReferenceTime)
        {
            long m = unchecked(TimestampHz * (tsVal - _remoteReferenceTime)) / unchecked(tsEcr - _localReferenceTime);
            if (rhz > 0)
            {
                rhz += m - (rhz >> 6);
            }
            else
            {
                rhz = m << 6;
            }
        }

        _flags = rhz >> 6 > 0 ? _flags | LpFlags.ValidRemoteHz : _flags & ~LpFlags.ValidRemoteHz;
        _remoteReferenceTime = tsVal;
        _localReferenceTime = tsEcr;
        return (uint)(rhz >> 6);
    }
}
