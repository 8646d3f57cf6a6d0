namespace NetSim.Sim.Network.Loss;

/// <summary>
/// Deterministic loss at rate 1/<see cref="Period"/>: every Period-th packet the direction carries
/// is lost, the first one at packet Period. The loss pattern of the Mathis et al. (1997) model,
/// where each congestion epoch ends with exactly one loss.
/// </summary>
public sealed class PeriodicLoss : ILossModel
{
    private long _count;

    public PeriodicLoss(long period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 2);
        Period = period;
    }

    public long Period { get; }

    public bool ShouldDrop(Packet packet)
    {
        _count++;
        if (_count < Period)
        {
            return false;
        }

        _count = 0;
        return true;
    }
}
