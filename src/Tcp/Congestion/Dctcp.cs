namespace NetSim.Tcp.Congestion;

/// <summary>
/// Data Center TCP (RFC 8257) as Linux implements it in net/ipv4/tcp_dctcp.c and tcp_dctcp.h.
/// The receiver echoes exactly which segments were CE-marked (<see cref="PreciseEceAck"/>).
/// The sender keeps alpha, the fraction of marked segments, as a moving average updated once per
/// window with gain g = 1/16 (alpha = (1 - g) alpha + g F, in units of 1/1024, starting at 1),
/// and on an echo cuts cwnd by alpha / 2 instead of half, once per window through CWR. A loss
/// halves it as Reno would. A connection that did not agree to ECN runs plain Reno (dctcp_reno).
/// </summary>
public sealed class Dctcp : ICongestionControl
{
    private const uint MaxAlpha = 1024;

    /// <summary>dctcp_shift_g: g = 1/16.</summary>
    private const int ShiftG = 4;

    /// <summary>dctcp_alpha_on_init: the first reduction halves the window, as Reno would.</summary>
    private const uint AlphaOnInit = MaxAlpha;

    private readonly Reno _reno = new();
    private TcpConnection? _connection;
    private SequenceNumber _nextSeq;
    private long _oldDelivered;
    private long _oldDeliveredCe;
    private readonly PreciseEceAck _eceAck = new();
    private bool _renoFallback;

    public string Name => "dctcp";

    /// <summary>TCP_CONG_NEEDS_ECN; the Reno fallback (dctcp_reno) has no flags.</summary>
    public bool NeedsEcn => !_renoFallback;

    /// <summary>The fraction of segments marked CE over recent windows, times 1024 (ca->dctcp_alpha).</summary>
    public uint Alpha { get; private set; }

    /// <summary>cwnd before the last reduction (ca->loss_cwnd), for undo.</summary>
    public uint LossCwnd { get; private set; }

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("DCTCP runs once its connection is established");

    /// <summary>dctcp_init(): with ECN agreed, alpha starts at dctcp_alpha_on_init; without it, Reno, and no more ECT.</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        if (!connection.EcnNegotiated)
        {
            _renoFallback = true;
            connection.StopEct();
            return;
        }

        _eceAck.Reset(connection);
        Alpha = Math.Min(AlphaOnInit, MaxAlpha);
        LossCwnd = 0;
        Reset();
    }

    /// <summary>dctcp_ssthresh(): cwnd less alpha / 2 of it.</summary>
    public uint Ssthresh(CongestionWindow window)
    {
        if (_renoFallback)
        {
            return _reno.Ssthresh(window);
        }

        LossCwnd = window.Cwnd;
        return Math.Max(window.Cwnd - (uint)(((ulong)window.Cwnd * Alpha) >> 11), 2u);
    }

    /// <summary>dctcp_cwnd_undo(): back to the window before the last reduction.</summary>
    public uint UndoCwnd(TcpConnection connection) => _renoFallback
        ? ((ICongestionControl)_reno).UndoCwnd(connection)
        : Math.Max(connection.Window.Cwnd, LossCwnd);

    /// <summary>tcp_reno_cong_avoid().</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked) => _reno.CongestionAvoid(window, acked);

    /// <summary>dctcp_state(): entering Recovery is a loss, which halves the window.</summary>
    public void SetState(CongestionWindow window, CaState state)
    {
        if (!_renoFallback && state == CaState.Recovery)
        {
            ReactToLoss(window);
        }
    }

    /// <summary>dctcp_cwnd_event(): CE transitions drive the receiver's echo; a timeout halves the window.</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        if (_renoFallback)
        {
            return;
        }

        switch (caEvent)
        {
            case CaEvent.EcnIsCe:
            case CaEvent.EcnNoCe:
                _eceAck.Update(connection, caEvent == CaEvent.EcnIsCe);
                break;
            case CaEvent.Loss:
                ReactToLoss(connection.Window);
                break;
        }
    }

    /// <summary>dctcp_update_alpha(): once per window, alpha = (1 - g) alpha + g F with F the fraction of delivered segments echoed CE.</summary>
    public void InAckEvent(TcpConnection connection, CaAckFlags flags)
    {
        // Before init (the SYN-ACK) too: dctcp_init() sets alpha and the round afresh.
        if (_connection is null || _renoFallback || connection.SndUna < _nextSeq)
        {
            return;
        }

        var delivered = connection.Delivered - _oldDelivered;
        var deliveredCe = connection.DeliveredCe - _oldDeliveredCe;
        var alpha = Alpha;
        var decay = alpha >> ShiftG;
        alpha -= decay == 0 ? alpha : decay;
        if (deliveredCe > 0)
        {
            var fraction = (uint)((deliveredCe << (10 - ShiftG)) / Math.Max(1, delivered));
            alpha = Math.Min(alpha + fraction, MaxAlpha);
        }

        Alpha = alpha;
        Reset();
    }

    /// <summary>dctcp_react_to_loss(): ssthresh is half the window.</summary>
    private void ReactToLoss(CongestionWindow window)
    {
        LossCwnd = window.Cwnd;
        window.Ssthresh = Math.Max(window.Cwnd >> 1, 2u);
    }

    /// <summary>dctcp_reset(): the next window to measure ends at snd_nxt.</summary>
    private void Reset()
    {
        var connection = Connection;
        _nextSeq = connection.SndNxt;
        _oldDelivered = connection.Delivered;
        _oldDeliveredCe = connection.DeliveredCe;
    }
}
