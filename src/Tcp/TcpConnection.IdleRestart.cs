using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// Restarting an idle connection (RFC 2861; RFC 5681 §4.1), as Linux tcp_skb_entail() (a write
/// that queues a new skb) and tcp_ack_update_window() (a window that moves under unsent data) call
/// tcp_slow_start_after_idle_check() and tcp_cwnd_restart(): data with nothing in flight,
/// after nothing was sent for longer than the RTO, finds the window halved for each RTO of the
/// idle time, no lower than the restart window (the initial window, or cwnd if smaller); ssthresh
/// keeps what the window had learnt (tcp_current_ssthresh()). An algorithm with its own model of
/// the path (BBR's cong_control) is left alone.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>tcp_init_cwnd(): the route's initcwnd metric, else the initial window configured.</summary>
    private uint InitialCwnd => (uint)(Stack.Host.RouteMetricsTowards(RemoteAddress).InitCwnd ?? Settings.InitialCwnd);

    private void RestartWindowAfterIdle()
    {
        if (!Settings.SlowStartAfterIdle || PacketsOut > 0 || Congestion is IModelBasedCongestionControl)
        {
            return;
        }

        var idle = (long)(int)(Jiffies - LastSendJiffies);
        var rto = Settings.ToJiffies(Rto);
        if (idle <= rto)
        {
            return;
        }

        Congestion.CwndEvent(this, CaEvent.CwndRestart);
        Window.Ssthresh = CurrentSsthresh();
        var cwnd = Window.Cwnd;
        var restart = Math.Min(InitialCwnd, cwnd);
        while ((idle -= rto) > 0 && cwnd > restart)
        {
            cwnd >>= 1;
        }

        Window.Cwnd = Math.Max(cwnd, restart);
        ReportVariables();
    }
}
