namespace NetSim.Tcp;

/// <summary>
/// What limits sending, timed as Linux's chronograph does it (tcp_chrono_start(), tcp_chrono_stop()
/// and tcp_get_info_chrono_stats(), RFC 4898's TCP-ESTATS-MIB): busy while data is queued or in
/// flight; limited by the peer's window while the next segment does not fit in it; limited by the
/// send buffer while the writer is held back by it and everything it wrote has been sent. One
/// clock runs at a time, the most telling (send buffer over window over busy); TCP_INFO reports
/// them as tcpi_busy_time (all three), tcpi_rwnd_limited and tcpi_sndbuf_limited.
/// </summary>
public sealed partial class TcpConnection
{
    private readonly uint[] _chronoJiffies = new uint[3];
    private Chrono _chrono;
    private uint _chronoStart;

    /// <summary>SOCK_NOSPACE: a write found the send buffer full; cleared when the buffer is writeable again.</summary>
    private bool _noSpace;

    /// <summary>enum tcp_chrono: the clocks, in rising order of interest.</summary>
    private enum Chrono
    {
        Unspec,
        Busy,
        RwndLimited,
        SndbufLimited,
    }

    /// <summary>tcpi_busy_time in microseconds: time with data queued or in flight, the limited spells included.</summary>
    public long BusyTimeUs => ChronoUs(Chrono.Busy) + RwndLimitedUs + SndbufLimitedUs;

    /// <summary>tcpi_rwnd_limited in microseconds: time the peer's receive window held back data.</summary>
    public long RwndLimitedUs => ChronoUs(Chrono.RwndLimited);

    /// <summary>tcpi_sndbuf_limited in microseconds: time the send buffer held back the writer.</summary>
    public long SndbufLimitedUs => ChronoUs(Chrono.SndbufLimited);

    private long ChronoUs(Chrono chrono)
    {
        var jiffies = _chronoJiffies[(int)chrono - 1] + (chrono == _chrono ? Jiffies - _chronoStart : 0);
        return jiffies * (1_000_000L / Settings.Hz);
    }

    /// <summary>tcp_chrono_start(): a more telling clock takes over from the one running.</summary>
    private void ChronoStart(Chrono chrono)
    {
        if (chrono > _chrono)
        {
            ChronoSet(chrono);
        }
    }

    /// <summary>tcp_chrono_stop(): with nothing queued or in flight every clock stops; else the stopped one, if running, gives way to busy.</summary>
    private void ChronoStop(Chrono chrono)
    {
        if (PacketsOut == 0 && !HasUnsentData)
        {
            ChronoSet(Chrono.Unspec);
        }
        else if (chrono == _chrono)
        {
            ChronoSet(Chrono.Busy);
        }
    }

    private void ChronoSet(Chrono chrono)
    {
        var now = Jiffies;
        if (_chrono > Chrono.Unspec)
        {
            _chronoJiffies[(int)_chrono - 1] += now - _chronoStart;
        }

        _chronoStart = now;
        _chrono = chrono;
    }
}
