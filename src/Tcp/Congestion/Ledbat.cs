namespace NetSim.Tcp.Congestion;

/// <summary>
/// LEDBAT (RFC 6817), the less-than-best-effort transport, as ns-3's TcpLedbat runs it over TCP
/// (Linux has no LEDBAT module). The one-way delay is read from each ACK that gives an RTT
/// sample, the peer's TSval less the echoed TSecr; the base delay is the smallest over the last
/// ten minutes (a minimum a minute) and the current one the smallest of the last four samples.
/// Past slow start the window moves by GAIN (TARGET - queuing delay) / TARGET segments an RTT:
/// it grows while the queue it sees is under the 100 ms target and shrinks above, down to two
/// segments, and never beyond the data in flight before the ACK and one segment more
/// (ALLOWED_INCREASE). Slow start, losses and a path without timestamps are NewReno's
/// (<see cref="Rfc5681Reno"/>, as ns-3's TcpLedbat is a TcpNewReno); slow start runs only until
/// the first step of congestion avoidance, or again after a timeout leaves one segment.
/// </summary>
/// <remarks>
/// Where ns-3 departs from the RFC the RFC is followed: ns-3's buffers keep one sample fewer
/// than their lengths (three delays, nine minima), its base history rolls over 60 s after the
/// last roll rather than at each minute, and it caps cwnd at the flight plus the segments just
/// acknowledged rather than plus ALLOWED_INCREASE.
/// </remarks>
public sealed class Ledbat : ICongestionControl
{
    /// <summary>TARGET: the queuing delay aimed at, in ms (RFC 6817 §2.5.1: at most 100 ms).</summary>
    private const int TargetMs = 100;

    /// <summary>GAIN (at most 1).</summary>
    private const double Gain = 1;

    /// <summary>MIN_CWND, in segments.</summary>
    private const uint MinCwnd = 2;

    /// <summary>ALLOWED_INCREASE, in segments.</summary>
    private const uint AllowedIncrease = 1;

    /// <summary>CURRENT_FILTER: the samples the current delay is the smallest of.</summary>
    private const int CurrentFilter = 4;

    /// <summary>BASE_HISTORY: the one-minute minima the base delay is the smallest of.</summary>
    private const int BaseHistory = 10;

    private readonly Rfc5681Reno _newReno = new();
    private readonly DelayHistory _current = new(CurrentFilter);
    private readonly DelayHistory _base = new(BaseHistory);
    private TcpConnection? _connection;
    private long _lastRolloverMinute = long.MinValue;
    private bool _validOwd;
    private bool _canSlowStart = true;

    /// <summary>The window in bytes, as ns-3 keeps it, so that the fractions of a segment each ACK adds are kept.</summary>
    private long _cwndBytes;

    public string Name => "ledbat";

    /// <summary>The queuing delay of the last window update: the current delay less the base, in ms.</summary>
    public long QueuingDelayMs { get; private set; }

    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _newReno.Init(connection);
        _current.Clear();
        _base.Clear();
        _lastRolloverMinute = long.MinValue;
        _validOwd = false;
        _canSlowStart = true;
        QueuingDelayMs = 0;
    }

    public uint Ssthresh(CongestionWindow window) => _newReno.Ssthresh(window);

    public void SetState(CongestionWindow window, CaState state)
    {
    }

    /// <summary>ns-3's TcpLedbat::PktsAcked(): an ACK with an RTT sample gives a delay sample too (RFC 6817 §2.4.2, on acknowledgement).</summary>
    public void PacketsAcked(TcpConnection connection, int packets, long rttUs)
    {
        // The SYN-ACK's, before init, which starts the histories afresh.
        if (_connection is null)
        {
            return;
        }

        _validOwd = connection.ReceivedTsVal != 0 && connection.ReceivedTsEcr != 0;
        if (rttUs > 0)
        {
            var owd = unchecked(connection.ReceivedTsVal - connection.ReceivedTsEcr);
            _current.Append(owd);
            UpdateBaseDelay(owd, connection.TimestampClock / 60_000);
        }
    }

    /// <summary>ns-3's TcpLedbat::IncreaseWindow() and CongestionAvoidance(); RFC 6817 §2.4.2's window update.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (!_validOwd || _connection is not { } connection)
        {
            _newReno.CongestionAvoid(window, acked);
            return;
        }

        if (window.Cwnd <= 1)
        {
            _canSlowStart = true;
        }

        if (_canSlowStart && window.InSlowStart)
        {
            _newReno.CongestionAvoid(window, acked);
            return;
        }

        _canSlowStart = false;
        var mss = (long)connection.Mss;
        if (_cwndBytes / mss != window.Cwnd)
        {
            // A loss, a timeout, an undo or slow start set the window since.
            _cwndBytes = window.Cwnd * mss;
        }

        // The base is the smallest of delays that include the current ones, so the queue is never negative.
        QueuingDelayMs = unchecked((int)(_current.Minimum - _base.Minimum));
        var offTarget = Gain * (TargetMs - QueuingDelayMs) / TargetMs;
        _cwndBytes = (long)(_cwndBytes + (offTarget * acked * mss * mss / _cwndBytes));

        // max_allowed_cwnd = flightsize + ALLOWED_INCREASE * MSS, the flight before this ACK.
        var flightBefore = connection.BytesInFlight + (acked * mss);
        var ceiling = Math.Min(flightBefore + (AllowedIncrease * mss), window.CwndClamp * mss);
        _cwndBytes = Math.Max(Math.Min(_cwndBytes, ceiling), MinCwnd * mss);
        window.Cwnd = (uint)(_cwndBytes / mss);
        // Out of slow start for good: ns-3 sets ssthresh a byte below cwnd; here in whole segments, at least two, as every module keeps it.
        if (_cwndBytes <= (long)window.Ssthresh * mss)
        {
            window.Ssthresh = Math.Max(2u, (uint)((_cwndBytes - 1) / mss));
        }
    }

    /// <summary>RFC 6817 §2.4.2 update_base_delay(): a new minimum each minute, the oldest forgotten.</summary>
    private void UpdateBaseDelay(uint owd, long minute)
    {
        if (minute != _lastRolloverMinute)
        {
            _lastRolloverMinute = minute;
            _base.Append(owd);
        }
        else
        {
            _base.LowerLast(owd);
        }
    }
}
