namespace NetSim.Sim.Network.Loss;

/// <summary>
/// The two-state Gilbert-Elliott channel with its four parameters, as Linux netem's "gemodel":
/// in the Good state a packet is lost with probability <see cref="LossGood"/> (1-k), in the Bad
/// state with <see cref="LossBad"/> (1-h); each packet first draws the state transition (Good to
/// Bad with <see cref="P"/>, Bad to Good with <see cref="R"/>), then the loss in the state it left
/// (net/sched/sch_netem.c loss_gilb_ell()). The long-run loss rate is
/// (r (1-k) + p (1-h)) / (p + r).
/// </summary>
public sealed class GilbertElliottLoss : ILossModel
{
    private readonly System.Random _random;
    private bool _bad;

    public GilbertElliottLoss(double p, double r, double lossGood, double lossBad, System.Random random)
    {
        foreach (var (name, value) in new[] { ("p", p), ("r", r), ("loss_good", lossGood), ("loss_bad", lossBad) })
        {
            if (!(value is >= 0 and <= 1))
            {
                throw new ArgumentOutOfRangeException(name, value, "Gilbert-Elliott probabilities lie in [0, 1]");
            }
        }

        if (p + r == 0)
        {
            throw new ArgumentException("p and r cannot both be 0: the chain would never mix");
        }

        (P, R, LossGood, LossBad) = (p, r, lossGood, lossBad);
        _random = random;
    }

    public double P { get; }
    public double R { get; }
    public double LossGood { get; }
    public double LossBad { get; }

    /// <summary>The stationary loss probability.</summary>
    public double MeanLossRate => ((R * LossGood) + (P * LossBad)) / (P + R);

    public bool ShouldDrop(Packet packet)
    {
        if (!_bad)
        {
            if (_random.NextDouble() < P)
            {
                _bad = true;
            }

            return _random.NextDouble() < LossGood;
        }

        if (_random.NextDouble() < R)
        {
            _bad = false;
        }

        return _random.NextDouble() < LossBad;
    }
}
