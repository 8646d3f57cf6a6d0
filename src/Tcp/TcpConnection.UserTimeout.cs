using NetSim.Sim.Kernel;

namespace NetSim.Tcp;

/// <summary>
/// TCP_USER_TIMEOUT (RFC 5482; Linux icsk_user_timeout in tcp_timer.c): how long transmitted data
/// may stay unacknowledged, or window and keepalive probes unanswered, before the connection is
/// aborted with ETIMEDOUT, in place of the retry counts; the RTO is clamped so the timer fires at
/// that moment.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>When the first window probe of the current series went out (icsk_probes_tstamp); Never when none.</summary>
    private SimTime _probesStamp = SimTime.Never;

    /// <summary>icsk_user_timeout; zero when unset.</summary>
    public SimTime UserTimeout { get; private set; }

    /// <summary>setsockopt(TCP_USER_TIMEOUT) (tcp_sock_set_user_timeout()): milliseconds, 0 to unset; -EINVAL below 0.</summary>
    public int SetUserTimeout(int milliseconds)
    {
        if (milliseconds < 0)
        {
            return InvalidArgument;
        }

        UserTimeout = SimTime.FromMilliseconds(milliseconds);
        return 0;
    }

    /// <summary>The user timeout in force and passed since <paramref name="since"/>.</summary>
    private bool UserTimeoutPassed(SimTime since) => UserTimeout > SimTime.Zero && Simulation.Now - since >= UserTimeout;

    /// <summary>
    /// tcp_clamp_rto_to_user_timeout(): the RTO, but no later than the user timeout counted from
    /// the first retransmission's original send (at least a jiffy once it has passed).
    /// </summary>
    private SimTime RtoClampedToUserTimeout()
    {
        if (UserTimeout == SimTime.Zero)
        {
            return Rto;
        }

        var remaining = UserTimeout - (Simulation.Now - _retransStamp);
        return remaining <= SimTime.Zero
            ? Settings.FromJiffies(1)
            : SimTime.Min(Rto, Settings.FromJiffies(Settings.ToJiffies(remaining)));
    }
}
