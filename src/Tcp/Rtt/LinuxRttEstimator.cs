using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Rtt;

/// <summary>
/// Linux's Van Jacobson estimator in fixed point (net/ipv4/tcp_input.c tcp_rtt_estimator()),
/// with mdev tracked per window and rttvar never below rto_min, then __tcp_set_rto():
/// RTO = srtt + rttvar in whole jiffies, capped at TCP_RTO_MAX by tcp_bound_rto().
/// </summary>
public sealed class LinuxRttEstimator(TcpSettings settings) : RttEstimator(settings)
{
    /// <summary>Mean deviation, us (tp->mdev_us).</summary>
    public long MdevUs { get; private set; }

    /// <summary>Largest mdev in the current window, us (tp->mdev_max_us).</summary>
    public long MdevMaxUs { get; private set; }

    /// <summary>Smoothed deviation used for the RTO, us (tp->rttvar_us).</summary>
    public long RttvarUs { get; private set; }

    private long RtoMinUs => Settings.MinRto.Microseconds;

    /// <summary>tcp_init_metrics(): rttvar, mdev and mdev_max at TCP_TIMEOUT_FALLBACK too.</summary>
    public override void FallBack()
    {
        MdevUs = MdevMaxUs = RttvarUs = TimeoutFallback.Microseconds;
        base.FallBack();
    }

    protected override void Update(long measuredUs, bool first, bool windowPassed)
    {
        var m = measuredUs;
        var srtt = SrttUs8;
        if (!first)
        {
            m -= srtt >> 3;
            srtt += m;
            if (m < 0)
            {
                m = -m;
                m -= MdevUs >> 2;
                if (m > 0)
                {
                    m >>= 3;
                }
            }
            else
            {
                m -= MdevUs >> 2;
            }

            MdevUs += m;
            if (MdevUs > MdevMaxUs)
            {
                MdevMaxUs = MdevUs;
                if (MdevMaxUs > RttvarUs)
                {
                    RttvarUs = MdevMaxUs;
                }
            }

            if (windowPassed)
            {
                if (MdevMaxUs < RttvarUs)
                {
                    RttvarUs -= (RttvarUs - MdevMaxUs) >> 2;
                }

                MdevMaxUs = RtoMinUs;
            }
        }
        else
        {
            srtt = m << 3;
            MdevUs = m << 1;
            RttvarUs = Math.Max(MdevUs, RtoMinUs);
            MdevMaxUs = RttvarUs;
        }

        SrttUs8 = Math.Max(1, srtt);
        var rto = Settings.RoundUpToJiffy(SimTime.FromMicroseconds((SrttUs8 >> 3) + RttvarUs));
        Rto = SimTime.Min(rto, Settings.MaxRto);
    }
}
