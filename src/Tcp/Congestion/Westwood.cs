namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP Westwood+ (Mascolo, Casetti, Gerla et al. 2001; Grieco and Mascolo 2004) as Linux
/// implements it in net/ipv4/tcp_westwood.c: Reno's growth, but after a loss the window is set
/// from the bandwidth the ACKs show times the minimum RTT, not halved. Once per RTT (at least
/// 50 ms) the bytes acknowledged in it give a sample, smoothed twice by a 7/8 low-pass filter;
/// duplicate ACKs count a segment each on the slow path, and a later cumulative ACK takes those
/// back. At the end of recovery ssthresh and cwnd become bandwidth x RTTmin in segments; after a
/// timeout ssthresh does, and the minimum RTT starts over with the next sample.
/// </summary>
public sealed class Westwood : ICongestionControl
{
    private readonly Reno _reno = new();
    private TcpConnection? _connection;

    /// <summary>bw_ns_est: the first filter's output, bytes per jiffy.</summary>
    private uint _bwNsEst;

    /// <summary>bw_est: the bandwidth estimate, bytes per jiffy.</summary>
    private uint _bwEst;

    /// <summary>rtt_win_sx: when the current sample's window began, in jiffies.</summary>
    private uint _rttWindowStart;

    /// <summary>bk: bytes acknowledged in the current sample window.</summary>
    private uint _bytesInWindow;

    private uint _sndUna;
    private uint _accounted;
    private uint _rtt;
    private uint _rttMin;
    private bool _firstAck;
    private bool _resetRttMin;

    public string Name => "westwood";

    /// <summary>The bandwidth estimate in bytes per second.</summary>
    public long BandwidthBytesPerSecond => (long)_bwEst * Connection.Settings.Hz;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("Westwood+ runs once its connection is established");

    /// <summary>TCP_WESTWOOD_RTT_MIN: the shortest sample window, HZ / 20 (50 ms).</summary>
    private uint MinimumWindow => (uint)(Connection.Settings.Hz / 20);

    /// <summary>tcp_westwood_init(): RTTs start at TCP_WESTWOOD_INIT_RTT (20 s), to be replaced by the first sample.</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _bytesInWindow = 0;
        _bwNsEst = 0;
        _bwEst = 0;
        _accounted = 0;
        _resetRttMin = true;
        _rtt = _rttMin = (uint)(20 * connection.Settings.Hz);
        _rttWindowStart = connection.Jiffies;
        _sndUna = connection.SndUna.Value;
        _firstAck = true;
    }

    public uint Ssthresh(CongestionWindow window) => _reno.Ssthresh(window);

    public void CongestionAvoid(CongestionWindow window, uint acked) => _reno.CongestionAvoid(window, acked);

    public void SetState(CongestionWindow window, CaState state)
    {
    }

    /// <summary>tcp_westwood_pkts_acked(): the latest RTT sample, in jiffies rounded up.</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        if (rttUs > 0)
        {
            _rtt = (uint)((rttUs * connection.Settings.Hz + 999_999) / 1_000_000);
        }
    }

    /// <summary>tcp_westwood_event(): the end of a reduction and a timeout set the window from the estimate.</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        switch (caEvent)
        {
            case CaEvent.CompleteCwr:
                connection.Window.Ssthresh = BandwidthTimesMinimumRtt(connection);
                connection.Window.Cwnd = connection.Window.Ssthresh;
                break;
            case CaEvent.Loss:
                connection.Window.Ssthresh = BandwidthTimesMinimumRtt(connection);
                _resetRttMin = true;
                break;
        }
    }

    /// <summary>tcp_westwood_ack(): the bytes this ACK acknowledged join the sample.</summary>
    public void InAckEvent(TcpConnection connection, CaAckFlags flags)
    {
        // The SYN-ACK's, before init: tcp_westwood_init() then starts the sample afresh.
        if (_connection is null)
        {
            return;
        }

        UpdateWindow(connection);
        if ((flags & CaAckFlags.SlowPath) != 0)
        {
            _bytesInWindow += AckedCount(connection);
        }
        else
        {
            _bytesInWindow += connection.SndUna.Value - _sndUna;
            _sndUna = connection.SndUna.Value;
        }

        _rttMin = _resetRttMin ? _rtt : Math.Min(_rtt, _rttMin);
        _resetRttMin = false;
    }

    /// <summary>tcp_westwood_bw_rttmin(): bandwidth x RTTmin in segments (u32 arithmetic), at least 2.</summary>
    private uint BandwidthTimesMinimumRtt(TcpConnection connection) =>
        Math.Max(unchecked(_bwEst * _rttMin) / (uint)connection.Mss, 2u);

    /// <summary>westwood_update_window(): once the window has lasted an RTT and 50 ms, its bytes make a sample.</summary>
    private void UpdateWindow(TcpConnection connection)
    {
        var now = connection.Jiffies;
        var delta = (int)(now - _rttWindowStart);
        if (_firstAck)
        {
            _sndUna = connection.SndUna.Value;
            _firstAck = false;
        }

        if (_rtt != 0 && delta > Math.Max(_rtt, MinimumWindow))
        {
            Filter((uint)delta);
            _bytesInWindow = 0;
            _rttWindowStart = now;
        }
    }

    /// <summary>westwood_filter(): the first sample fills both filters; later ones pass through two 7/8 low-pass filters.</summary>
    private void Filter(uint delta)
    {
        var sample = _bytesInWindow / delta;
        if (_bwNsEst == 0 && _bwEst == 0)
        {
            _bwNsEst = sample;
            _bwEst = sample;
        }
        else
        {
            _bwNsEst = ((7 * _bwNsEst) + sample) >> 3;
            _bwEst = ((7 * _bwEst) + _bwNsEst) >> 3;
        }
    }

    /// <summary>
    /// westwood_acked_count(): a duplicate ACK counts a segment, held in <c>accounted</c>; a
    /// cumulative ACK beyond a segment pays those back first.
    /// </summary>
    private uint AckedCount(TcpConnection connection)
    {
        var mss = (uint)connection.Mss;
        var cumulative = connection.SndUna.Value - _sndUna;
        if (cumulative == 0)
        {
            _accounted += mss;
            cumulative = mss;
        }

        if (cumulative > mss)
        {
            if (_accounted >= cumulative)
            {
                _accounted -= cumulative;
                cumulative = mss;
            }
            else
            {
                cumulative -= _accounted;
                _accounted = 0;
            }
        }

        _sndUna = connection.SndUna.Value;
        return cumulative;
    }
}
