namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP-Illinois (Liu, Basar and Srikant 2008) as Linux implements it in net/ipv4/tcp_illinois.c:
/// loss says when to back off, delay says how much. Once per RTT the average queueing delay of
/// that RTT's samples, against the largest seen, sets alpha (segments added a round trip: 10
/// while the queue is near empty, down to 0.3 as it nears the largest) and beta (the share taken
/// on loss: 1/8 below a tenth of the largest delay, rising to 1/2 at eight tenths). Below 15
/// segments, and after a timeout, it is Reno (alpha 1, beta 1/2).
/// </summary>
public sealed class Illinois : ICongestionControl
{
    private const int AlphaShift = 7;
    private const uint AlphaScale = 1u << AlphaShift;
    private const uint AlphaMin = 3 * AlphaScale / 10;
    private const uint AlphaMax = 10 * AlphaScale;
    private const uint AlphaBase = AlphaScale;

    /// <summary>RTT_MAX: samples are capped so that alpha's arithmetic stays within 32 bits (about 3.3 s).</summary>
    private const uint RttMax = uint.MaxValue / AlphaMax;

    private const int BetaShift = 6;
    private const uint BetaScale = 1u << BetaShift;
    private const uint BetaMin = BetaScale / 8;
    private const uint BetaMax = BetaScale / 2;
    private const uint BetaBase = BetaMax;

    /// <summary>win_thresh: below this window Illinois is Reno.</summary>
    private const uint WindowThreshold = 15;

    /// <summary>theta: round trips of low delay before alpha may return to its maximum.</summary>
    private const int Theta = 5;

    private TcpConnection? _connection;
    private ulong _sumRtt;
    private ushort _rttCount;
    private uint _baseRtt;
    private uint _maxRtt;
    private SequenceNumber _endSeq;
    private uint _alpha;
    private uint _beta;
    private ushort _acked;
    private bool _rttAbove;
    private int _rttLow;

    public string Name => "illinois";

    /// <summary>Segments added per round trip, in 128ths.</summary>
    public uint Alpha => _alpha;

    /// <summary>The share of cwnd a loss takes, in 64ths.</summary>
    public uint Beta => _beta;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("Illinois runs once its connection is established");

    /// <summary>tcp_illinois_init().</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _alpha = AlphaMax;
        _beta = BetaBase;
        _baseRtt = 0x7fffffff;
        _maxRtt = 0;
        _acked = 0;
        _rttLow = 0;
        _rttAbove = false;
        ResetRound();
    }

    /// <summary>
    /// tcp_illinois_ssthresh(): beta of the window taken away. Before tcp_illinois_init() (an RTO
    /// of the SYN) the state is as Linux's zeroed private area has it, beta 0: nothing taken away.
    /// </summary>
    public uint Ssthresh(CongestionWindow window) => Math.Max(window.Cwnd - ((window.Cwnd * _beta) >> BetaShift), 2u);

    /// <summary>tcp_illinois_cong_avoid(): alpha / cwnd per segment acknowledged, parameters renewed once per RTT.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (Connection.SndUna > _endSeq)
        {
            UpdateParameters(window);
        }

        if (window.SlowStartTakes(acked))
        {
            return;
        }

        window.CwndCount += _acked;
        _acked = 1;
        var delta = (window.CwndCount * _alpha) >> AlphaShift;
        if (delta >= window.Cwnd)
        {
            window.Cwnd = Math.Min(window.Cwnd + (delta / window.Cwnd), window.CwndClamp);
            window.CwndCount = 0;
        }
    }

    /// <summary>tcp_illinois_state(): a timeout returns to Reno's parameters; before init (an RTO of the SYN) init sets them.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (state == CaState.Loss && _connection is not null)
        {
            _alpha = AlphaBase;
            _beta = BetaBase;
            _rttLow = 0;
            _rttAbove = false;
            ResetRound();
        }
    }

    /// <summary>tcp_illinois_acked(): every RTT sample, capped, into this round's sum and the extremes.</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        _acked = (ushort)packets;
        if (rttUs < 0)
        {
            return;
        }

        var rtt = (uint)Math.Min(rttUs, RttMax);
        _baseRtt = Math.Min(_baseRtt, rtt);
        _maxRtt = Math.Max(_maxRtt, rtt);
        _rttCount++;
        _sumRtt += rtt;
    }

    /// <summary>update_params(): alpha and beta from this round's average queueing delay.</summary>
    private void UpdateParameters(CongestionWindow window)
    {
        if (window.Cwnd < WindowThreshold)
        {
            _alpha = AlphaBase;
            _beta = BetaBase;
        }
        else if (_rttCount > 0)
        {
            var maxDelay = _maxRtt - _baseRtt;
            var averageDelay = (uint)(_sumRtt / _rttCount) - _baseRtt;
            _alpha = NewAlpha(averageDelay, maxDelay);
            _beta = NewBeta(averageDelay, maxDelay);
        }

        ResetRound();
    }

    /// <summary>alpha(): the maximum near an empty queue (after theta such rounds once it had risen), else k1 / (k2 + da).</summary>
    private uint NewAlpha(uint averageDelay, uint maxDelay)
    {
        var low = maxDelay / 100;
        if (averageDelay <= low)
        {
            if (!_rttAbove)
            {
                return AlphaMax;
            }

            if (++_rttLow < Theta)
            {
                return _alpha;
            }

            _rttLow = 0;
            _rttAbove = false;
            return AlphaMax;
        }

        _rttAbove = true;
        maxDelay -= low;
        averageDelay -= low;
        return maxDelay * AlphaMax / (maxDelay + (averageDelay * (AlphaMax - AlphaMin) / AlphaMin));
    }

    /// <summary>beta(): 1/8 up to a tenth of the largest delay, 1/2 from eight tenths, linear between.</summary>
    private static uint NewBeta(uint averageDelay, uint maxDelay)
    {
        var tenth = maxDelay / 10;
        if (averageDelay <= tenth)
        {
            return BetaMin;
        }

        var eightTenths = 8 * maxDelay / 10;
        if (averageDelay >= eightTenths || eightTenths <= tenth)
        {
            return BetaMax;
        }

        return ((BetaMin * eightTenths) - (BetaMax * tenth) + ((BetaMax - BetaMin) * averageDelay)) / (eightTenths - tenth);
    }

    /// <summary>rtt_reset(): a new round ends at SND.NXT.</summary>
    private void ResetRound()
    {
        _endSeq = Connection.SndNxt;
        _rttCount = 0;
        _sumRtt = 0;
    }
}
