namespace NetSim.Sim.Network.Queues;

/// <summary>
/// RED's parameters (Floyd and Jacobson 1993), thresholds in packets: the average queue is an
/// EWMA with weight <see cref="Weight"/>; between the thresholds packets are dropped or marked
/// with a probability rising to <see cref="MaxP"/>. Gentle RED (Floyd 2000) raises it from
/// <see cref="MaxP"/> to 1 between <see cref="MaxThreshold"/> and twice it, instead of jumping to 1.
/// </summary>
public sealed record RedParameters(
    double MinThreshold,
    double MaxThreshold,
    double MaxP,
    double Weight,
    int Limit,
    bool Gentle,
    bool Ecn)
{
    public void Validate()
    {
        if (!(MinThreshold >= 0 && MaxThreshold > MinThreshold))
        {
            throw new ArgumentException($"RED needs 0 <= min_th < max_th (got {MinThreshold}, {MaxThreshold})");
        }

        if (!(MaxP is > 0 and <= 1) || !(Weight is > 0 and <= 1) || Limit < 1)
        {
            throw new ArgumentException("RED needs max_p and weight in (0, 1] and a limit of at least one packet");
        }
    }
}
