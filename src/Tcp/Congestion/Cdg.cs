namespace NetSim.Tcp.Congestion;

/// <summary>
/// CAIA Delay-Gradient (Hayes and Armitage, IFIP Networking 2011) as Linux implements it in
/// net/ipv4/tcp_cdg.c, with the module's default parameters. Every round trip the smallest and
/// largest RTT samples of the round are compared with the previous round's; the differences,
/// summed over the last eight rounds (<see cref="DelayGradients"/>), are the delay gradient. A
/// rising gradient g (in microseconds) backs off with probability 1 - e^(-g x 42 us / 1 s):
/// CWR with ssthresh 0.7071 cwnd. Backoffs that do not bring the delay down (five in a row with
/// no gradient of -32 us or below) are taken as competition with loss-based flows and stop. On
/// loss the window halves, but not below half the shadow window, which keeps what the backoffs
/// gave away. Slow start ends by HyStart (an ACK train as long as half the minimum delay, or the
/// round's minimum RTT above 9/8 of the smallest), at any window; growth otherwise is Reno's.
/// </summary>
public sealed partial class Cdg : ICongestionControl
{
    /// <summary>backoff_beta: 0.7071 x 1024, the window kept by a backoff.</summary>
    private const uint BackoffBeta = 724;

    /// <summary>backoff_factor: scales the gradient (us) in the backoff probability, 1000 / (G x window) for the paper's G = 3.</summary>
    private const uint BackoffFactor = 42;

    /// <summary>use_ineff: the backoffs in a row that may leave the delay where it was.</summary>
    private const uint IneffectualBackoffs = 5;

    /// <summary>A gradient at or below this (us) shows the last backoff worked (tcp_cdg_grad()).</summary>
    private const int EffectualGradient = -32;

    /// <summary>HyStart's ACK train ends when ACKs are this far apart (us).</summary>
    private const uint AckTrainGapUs = 3000;

    /// <summary>HyStart's floor for both its thresholds (us).</summary>
    private const uint HystartFloorUs = 125;

    /// <summary>Samples HyStart's delay detection takes in a round before comparing.</summary>
    private const int HystartDelaySamples = 8;

    private readonly Reno _reno = new();
    private readonly DelayGradients _gradients = new();
    private TcpConnection? _connection;
    private Random? _random;

    // struct cdg: zero until init, as Linux leaves icsk_ca_priv.
    private RttRange _rtt;
    private RttRange _rttPrevious;

    /// <summary>The last reduction was a backoff, not a loss (ca->state CDG_BACKOFF; CDG_FULL and CDG_NONFULL need use_tolerance, off by default).</summary>
    private bool _backingOff;

    private byte _delayedAcks;
    private SequenceNumber _rttSeq;
    private uint _undoCwnd;
    private uint _shadowWindow;
    private uint _backoffCount;
    private int _sampleCount;
    private int _delayMin;
    private uint _lastAckUs;
    private uint _roundStartUs;

    public string Name => "cdg";

    /// <summary>The shadow window (ca->shadow_wnd): the window loss-based growth would have reached without the backoffs, in segments.</summary>
    public uint ShadowWindow => _shadowWindow;

    /// <summary>Backoffs taken since the delay last fell (ca->backoff_cnt).</summary>
    public uint BackoffsInARow => _backoffCount;

    /// <summary>Backoffs taken since the connection started.</summary>
    public long Backoffs { get; private set; }

    /// <summary>The current round's smallest and largest RTT samples (ca->rtt).</summary>
    internal RttRange CurrentRound => _rtt;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("CDG runs once its connection is established");

    /// <summary>
    /// tcp_cdg_init(): the round ends at SND.NXT and the shadow window starts at cwnd; nothing else
    /// is reset (Linux zeroes the module's area when the algorithm is assigned, not here), so the
    /// SYN-ACK's RTT, heard just before, opens the first round.
    /// </summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _random ??= connection.Simulation.Random.Get($"cdg/{connection.LocalAddress}:{connection.LocalPort}-{connection.RemoteAddress}:{connection.RemotePort}");
        _rttSeq = connection.SndNxt;
        _shadowWindow = connection.Window.Cwnd;
    }

    /// <summary>
    /// tcp_cdg_ssthresh(): after a backoff 0.7071 cwnd; after a loss half of cwnd, but no less than
    /// the shadow window, itself halved and held to cwnd.
    /// </summary>
    public uint Ssthresh(CongestionWindow window)
    {
        _undoCwnd = window.Cwnd;
        if (_backingOff)
        {
            return Math.Max(2u, (window.Cwnd * BackoffBeta) >> 10);
        }

        _shadowWindow = Math.Min(_shadowWindow >> 1, window.Cwnd);
        return Math.Max(Math.Max(2u, _shadowWindow), window.Cwnd >> 1);
    }

    /// <summary>tcp_cdg_undo_cwnd(): back to the window the reduction started from.</summary>
    public uint UndoCwnd(TcpConnection connection) => Math.Max(connection.Window.Cwnd, _undoCwnd);

    public void SetState(CongestionWindow window, CaState state)
    {
    }

    /// <summary>
    /// tcp_cdg_cong_avoid() (never in CWR or Recovery): HyStart in slow start; at the end of a round
    /// a gradient and perhaps a backoff; then Reno's growth, which the shadow window follows.
    /// </summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        var connection = Connection;
        if (window.InSlowStart)
        {
            HystartUpdate(window);
        }

        if (connection.SndUna > _rttSeq && !_rtt.IsEmpty)
        {
            var gradient = 0;
            if (!_rttPrevious.IsEmpty)
            {
                gradient = Gradient();
            }

            _rttSeq = connection.SndNxt;
            _rttPrevious = _rtt;
            _rtt = default;
            _lastAckUs = 0;
            _sampleCount = 0;
            if (gradient > 0 && Backoff(connection, (uint)gradient))
            {
                return;
            }
        }

        if (!window.CwndLimited)
        {
            _shadowWindow = Math.Min(_shadowWindow, window.Cwnd);
            return;
        }

        var prior = window.Cwnd;
        _reno.CongestionAvoid(window, acked);
        _shadowWindow = Math.Max(_shadowWindow, unchecked(_shadowWindow + (window.Cwnd - prior)));
    }

    /// <summary>
    /// tcp_cdg_acked(): the round's smallest and largest RTT. Without SACKed segments, Hayes'
    /// filter for delayed ACKs: after ACKs of several segments, an ACK of one counts only towards
    /// the minimum, as the delayed ACK's wait inflates it.
    /// </summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        if (rttUs <= 0)
        {
            return;
        }

        var rtt = (int)rttUs;
        if (connection.SackedOut == 0)
        {
            if (packets == 1 && _delayedAcks > 0)
            {
                _rtt.Min = Math.Min(_rtt.Min, rtt);
                _delayedAcks--;
                return;
            }

            if (packets > 1 && _delayedAcks < 5)
            {
                _delayedAcks++;
            }
        }

        _rtt.Min = MinNotZero(_rtt.Min, rtt);
        _rtt.Max = Math.Max(_rtt.Max, rtt);
    }

    /// <summary>
    /// tcp_cdg_cwnd_event(): a restart after idle forgets everything but starts a round at SND.NXT
    /// with the shadow window at cwnd; the end of a reduction starts a round whose gradient ignores
    /// the reduction's RTTs.
    /// </summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        switch (caEvent)
        {
            case CaEvent.CwndRestart:
                _gradients.Clear();
                _rtt = _rttPrevious = default;
                _backingOff = false;
                _delayedAcks = 0;
                _undoCwnd = 0;
                _backoffCount = 0;
                _sampleCount = 0;
                _delayMin = 0;
                _lastAckUs = 0;
                _roundStartUs = 0;
                _rttSeq = connection.SndNxt;
                _shadowWindow = connection.Window.Cwnd;
                break;
            case CaEvent.CompleteCwr:
                _backingOff = false;
                _rttSeq = connection.SndNxt;
                _rttPrevious = _rtt;
                _rtt = default;
                break;
        }
    }

    /// <summary>min_not_zero().</summary>
    private static int MinNotZero(int a, int b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b);
}
