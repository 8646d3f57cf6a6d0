namespace NetSim.Tcp.Congestion;

/// <summary>
/// HyStart++ (RFC 9406), the slow start RFC 9438 recommends for CUBIC: per round it compares the
/// minimum RTT with the previous round's; an increase of an eighth (4 to 16 ms) leaves slow start
/// for Conservative Slow Start (CSS), which grows a quarter as fast for five rounds and then hands
/// over to congestion avoidance, unless the RTT falls back, which resumes slow start. It runs in
/// the initial slow start only (§4.3), with L = 8 segments per ACK for an unpaced sender.
/// </summary>
public sealed class HystartPlusPlus
{
    private const long MinRttThresholdUs = 4_000;
    private const long MaxRttThresholdUs = 16_000;
    private const long MinRttDivisor = 8;
    private const int RttSamplesPerRound = 8;
    private const uint CssGrowthDivisor = 4;
    private const int CssRoundLimit = 5;
    private const uint PerAckLimit = 8;

    private long _lastRoundMinRttUs = long.MaxValue;
    private long _currentRoundMinRttUs = long.MaxValue;
    private int _rttSampleCount;
    private SequenceNumber _windowEnd;
    private long _cssBaselineMinRttUs = long.MaxValue;
    private int _cssRounds;
    private uint _cssCredit;

    /// <summary>In Conservative Slow Start.</summary>
    public bool InCss { get; private set; }

    /// <summary>Slow start ended by HyStart++ (CSS ran its rounds), not by a loss.</summary>
    public bool Exited { get; private set; }

    /// <summary>Starts counting rounds from the window now being sent.</summary>
    public void Start(SequenceNumber sndNxt) => _windowEnd = sndNxt;

    /// <summary>
    /// RFC 9406 §4.2 for each ACK in slow start or CSS: a round ends when the ACK passes the
    /// window's end; the RTT sample feeds the round's minimum; the delay test enters CSS, and CSS
    /// either resumes slow start or, after its rounds, sets ssthresh to cwnd.
    /// </summary>
    public void OnAck(TcpConnection connection, long rttUs)
    {
        var window = connection.Window;
        if (connection.SndUna > _windowEnd)
        {
            if (InCss && ++_cssRounds >= CssRoundLimit)
            {
                InCss = false;
                Exited = true;
                window.Ssthresh = window.Cwnd;
                return;
            }

            _lastRoundMinRttUs = _currentRoundMinRttUs;
            _currentRoundMinRttUs = long.MaxValue;
            _rttSampleCount = 0;
            _windowEnd = connection.SndNxt;
        }

        if (rttUs >= 0)
        {
            _currentRoundMinRttUs = Math.Min(_currentRoundMinRttUs, rttUs);
            _rttSampleCount++;
        }

        if (_rttSampleCount < RttSamplesPerRound || _currentRoundMinRttUs == long.MaxValue)
        {
            return;
        }

        if (!InCss)
        {
            if (_lastRoundMinRttUs == long.MaxValue)
            {
                return;
            }

            var threshold = Math.Max(MinRttThresholdUs, Math.Min(_lastRoundMinRttUs / MinRttDivisor, MaxRttThresholdUs));
            if (_currentRoundMinRttUs >= _lastRoundMinRttUs + threshold)
            {
                _cssBaselineMinRttUs = _currentRoundMinRttUs;
                InCss = true;
                _cssRounds = 0;
            }
        }
        else if (_currentRoundMinRttUs < _cssBaselineMinRttUs)
        {
            // The delay increase was spurious: back to slow start.
            _cssBaselineMinRttUs = long.MaxValue;
            InCss = false;
        }
    }

    /// <summary>cwnd growth for <paramref name="acked"/> segments: min(N, L) in slow start, a quarter of it in CSS.</summary>
    public void Grow(CongestionWindow window, uint acked)
    {
        var increase = Math.Min(acked, PerAckLimit);
        if (InCss)
        {
            _cssCredit += increase;
            increase = _cssCredit / CssGrowthDivisor;
            _cssCredit %= CssGrowthDivisor;
        }

        window.Cwnd = Math.Min(window.Cwnd + increase, window.CwndClamp);
    }
}
