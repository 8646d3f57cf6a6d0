using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Tcp;

/// <summary>
/// TCP's internal pacing (Linux 4.13+, earliest-departure-time since 4.20): an algorithm that asks
/// for pacing (BBR) sets a rate; each data segment sent moves the next departure time on by its
/// length at that rate (tcp_update_skb_after_send()), and the sender holds further segments until
/// then (tcp_pacing_check(), with the pacing hrtimer). Pure ACKs and timer-driven retransmissions
/// are not held; the first ten data segments are not paced, as sch_fq does not.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>Linux ~0UL: no pacing rate set.</summary>
    public const ulong Unpaced = ulong.MaxValue;

    private readonly Timer _pacingTimer;
    private readonly DeliveryRateEstimator _rate = new();

    /// <summary>The next departure time (tp->tcp_wstamp_ns).</summary>
    private SimTime _departure;

    /// <summary>sk->sk_pacing_rate in bytes per second.</summary>
    public ulong PacingRate { get; internal set; } = Unpaced;

    /// <summary>sk->sk_max_pacing_rate (SO_MAX_PACING_RATE), bytes per second.</summary>
    public ulong MaxPacingRate { get; private set; } = Unpaced;

    /// <summary>
    /// Segments are paced: the algorithm asked for it (BBR), SO_MAX_PACING_RATE set a limit
    /// (sk_pacing_status SK_PACING_NEEDED), or the host's qdisc is fq (<see cref="TcpSettings.Pacing"/>).
    /// </summary>
    public bool PacingEnabled { get; internal set; }

    /// <summary>
    /// setsockopt(SO_MAX_PACING_RATE) (sk_setsockopt()): a limit other than ~0U turns pacing on; the
    /// current rate is capped at once.
    /// </summary>
    public void SetMaxPacingRate(uint bytesPerSecond)
    {
        if (bytesPerSecond != uint.MaxValue)
        {
            PacingEnabled = true;
        }

        MaxPacingRate = bytesPerSecond == uint.MaxValue ? Unpaced : bytesPerSecond;
        PacingRate = Math.Min(PacingRate, MaxPacingRate);
    }

    /// <summary>
    /// Linux tcp_update_pacing_rate() for algorithms without cong_control: twice the current rate
    /// (cwnd x MSS / srtt) in slow start below half ssthresh (tcp_pacing_ss_ratio 200), 1.2 times
    /// it after (tcp_pacing_ca_ratio 120), within SO_MAX_PACING_RATE.
    /// </summary>
    private void UpdatePacingRate()
    {
        var rate = (ulong)Mss * (1_000_000UL / 100 << 3);
        rate *= Window.Cwnd < Window.Ssthresh / 2 ? 200UL : 120UL;
        rate *= Math.Max(Window.Cwnd, (uint)PacketsOut);
        if (Rtt.SrttUs8 > 0)
        {
            rate /= (ulong)Rtt.SrttUs8;
        }

        PacingRate = Math.Min(rate, MaxPacingRate);
    }

    /// <summary>The delivery-rate samples (tcp_rate.c) the ACKs produce.</summary>
    public DeliveryRateEstimator DeliveryRate => _rate;

    /// <summary>Segments ever marked lost (tp->lost).</summary>
    public long LostTotal => _rtx.TotalLost;

    /// <summary>The totals a delivery-rate sample differences: delivered, delivered_ce, lost.</summary>
    private ConnectionCounts Counts => new(Delivered, DeliveredCe, _rtx.TotalLost);

    /// <summary>The earliest time the next segment may leave (tp->tcp_wstamp_ns).</summary>
    public SimTime NextDeparture => _departure;

    /// <summary>tcp_pacing_check(): true, with the pacing timer armed, while the next departure time lies ahead.</summary>
    private bool PacingHolds()
    {
        if (!PacingEnabled || _departure <= Simulation.Now)
        {
            return false;
        }

        if (!_pacingTimer.IsArmed)
        {
            _pacingTimer.Arm(_departure);
        }

        return true;
    }

    /// <summary>
    /// __tcp_transmit_skb() and tcp_update_skb_after_send(): a segment leaves no earlier than now;
    /// data moves the departure time on by its length at the pacing rate, less up to half of it in
    /// credit for time the sender was late.
    /// </summary>
    private void AdvanceDeparture(int payloadLength)
    {
        var prior = _departure;
        _departure = SimTime.Max(_departure, Simulation.Now);
        if (payloadLength == 0 || !PacingEnabled || PacingRate == Unpaced || PacingRate == 0 || Statistics.DataSegmentsOut < 10)
        {
            return;
        }

        var lengthNs = (long)((ulong)payloadLength * 1_000_000_000UL / PacingRate);
        var credit = (_departure - prior).Nanoseconds;
        lengthNs -= Math.Min(lengthNs / 2, credit);
        _departure += SimTime.FromNanoseconds(lengthNs);
    }

    /// <summary>The pacing hrtimer (tcp_pace_kick() then tcp_tsq_handler()): send what was held.</summary>
    private void OnPacingTimer() => PushPendingFrames();
}
