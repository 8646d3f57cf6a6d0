namespace NetSim.Sim.Network.Loss;

/// <summary>Independent losses: each packet is lost with probability p, drawn from a seeded stream.</summary>
public sealed class BernoulliLoss : ILossModel
{
    private readonly System.Random _random;

    public BernoulliLoss(double probability, System.Random random)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), "a loss probability lies in [0, 1]");
        }

        Probability = probability;
        _random = random;
    }

    public double Probability { get; }

    public bool ShouldDrop(Packet packet) => _random.NextDouble() < Probability;
}
