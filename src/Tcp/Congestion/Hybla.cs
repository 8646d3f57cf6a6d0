namespace NetSim.Tcp.Congestion;

/// <summary>
/// TCP Hybla (Caini and Firrincieli 2004) as Linux implements it in net/ipv4/tcp_hybla.c: a
/// long-RTT flow grows as fast, in time, as one with the reference RTT of 25 ms. With
/// rho = srtt / 25 ms (at least 1, kept in eighths), slow start adds 2^rho - 1 segments per ACK
/// and congestion avoidance rho^2 / cwnd, fractions carried in 128ths; the window starts at rho
/// segments and is clamped at 65535. rho is recomputed whenever the smoothed RTT reaches a new
/// minimum. Outside Open, and on loss, it is Reno.
/// </summary>
public sealed class Hybla : ICongestionControl
{
    /// <summary>rtt0: the reference round trip, 25 ms, in microseconds.</summary>
    private const long ReferenceRttUs = 25_000;

    /// <summary>The clamp hybla_init() sets.</summary>
    private const uint CwndClamp = 65535;

    /// <summary>hybla_fraction(): 2^(i/8) in 128ths, for the eighths of rho.</summary>
    private static readonly uint[] Fractions = [128, 139, 152, 165, 181, 197, 215, 234];

    private readonly Reno _reno = new();
    private TcpConnection? _connection;
    private bool _enabled;
    private uint _cwndCents;
    private uint _rho;
    private uint _rhoEighths;
    private uint _rhoSquared128ths;
    private long _minSrttUs8;

    public string Name => "hybla";

    /// <summary>rho's integer part: the RTT in units of 25 ms.</summary>
    public uint Rho => _rho;

    private TcpConnection Connection => _connection ?? throw new InvalidOperationException("Hybla runs once its connection is established");

    /// <summary>hybla_init(): rho from the handshake's RTT, and a window of rho segments.</summary>
    public void Init(TcpConnection connection)
    {
        _connection = connection;
        _cwndCents = 0;
        _enabled = true;
        connection.Window.CwndClamp = CwndClamp;
        Recalculate(connection.Rtt.SrttUs8);
        _minSrttUs8 = connection.Rtt.SrttUs8;
        connection.Window.Cwnd = _rho;
    }

    public uint Ssthresh(CongestionWindow window) => _reno.Ssthresh(window);

    /// <summary>hybla_cong_avoid().</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        var srtt = Connection.Rtt.SrttUs8;
        if (srtt < _minSrttUs8)
        {
            Recalculate(srtt);
            _minSrttUs8 = srtt;
        }

        if (!window.CwndLimited)
        {
            return;
        }

        if (!_enabled)
        {
            _reno.CongestionAvoid(window, acked);
            return;
        }

        if (_rho == 0)
        {
            Recalculate(srtt);
        }

        var slowStart = window.InSlowStart;
        uint increment;
        if (slowStart)
        {
            // 2^rho - 1 in 128ths: 2 to the integer part times 2 to the eighths.
            var eighths = _rhoEighths - (_rho << 3);
            increment = ((1u << (int)Math.Min(_rho, 16u)) * (eighths < Fractions.Length ? Fractions[eighths] : 128)) - 128;
        }
        else
        {
            increment = _rhoSquared128ths / window.Cwnd;
            if (increment < 128)
            {
                window.CwndCount++;
            }
        }

        var odd = increment % 128;
        window.Cwnd += increment >> 7;
        _cwndCents += odd;
        while (_cwndCents >= 128)
        {
            window.Cwnd++;
            _cwndCents -= 128;
            window.CwndCount = 0;
        }

        // A window that has not grown for a while grows by one.
        if (increment == 0 && odd == 0 && window.CwndCount >= window.Cwnd)
        {
            window.Cwnd++;
            window.CwndCount = 0;
        }

        if (slowStart)
        {
            window.Cwnd = Math.Min(window.Cwnd, window.Ssthresh);
        }

        window.Cwnd = Math.Min(window.Cwnd, window.CwndClamp);
    }

    /// <summary>hybla_state(): Hybla's growth in Open only.</summary>
    public void SetState(CongestionWindow window, CaState state) => _enabled = state == CaState.Open;

    /// <summary>hybla_recalc_param(): rho in eighths from srtt (tp->srtt_us, itself in eighths of a microsecond), at least 1.</summary>
    private void Recalculate(long srttUs8)
    {
        _rhoEighths = (uint)Math.Max(srttUs8 / ReferenceRttUs, 8);
        _rho = _rhoEighths >> 3;
        _rhoSquared128ths = (_rhoEighths * _rhoEighths) << 1;
    }
}
