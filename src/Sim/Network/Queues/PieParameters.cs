using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// PIE's parameters as Linux's sch_pie takes them (pie_params_init(), tc-pie(8)): a 15 ms target
/// queueing delay, the drop probability recomputed every 15 ms (tupdate), alpha 2 and beta 20 in
/// sixteenths (0.125 and 1.25 Hz), 1000 packets, no ECN, no byte mode, and the queueing delay
/// taken from each packet's sojourn time rather than estimated from the drain rate.
/// </summary>
public sealed record PieParameters(
    SimTime Target, SimTime Update, int Limit, int Alpha, int Beta, bool Ecn, bool ByteMode, bool DequeueRateEstimator)
{
    public static PieParameters Default { get; } = new(
        SimTime.FromMilliseconds(15), SimTime.FromMilliseconds(15), 1000, Alpha: 2, Beta: 20, Ecn: false, ByteMode: false, DequeueRateEstimator: false);

    public void Validate()
    {
        if (Target <= SimTime.Zero || Update <= SimTime.Zero)
        {
            throw new ArgumentException("PIE's target and update interval must be positive");
        }

        if (Limit < 1)
        {
            throw new ArgumentException("a PIE queue holds at least one packet");
        }

        // tc-pie takes them as 0 to 32 sixteenths.
        if (Alpha is < 0 or > 32 || Beta is < 0 or > 32)
        {
            throw new ArgumentException("PIE's alpha and beta lie in [0, 32] (sixteenths)");
        }
    }
}
