namespace NetSim.Validation.Tests;

/// <summary>Goodput of each flow over time (bit/s per sampling step) and over the whole window.</summary>
internal sealed class GoodputSeries(IReadOnlyList<string> flows)
{
    public IReadOnlyList<string> Flows { get; } = flows;

    public List<double> Times { get; } = [];

    /// <summary>Per step, one value per flow, in the order of <see cref="Flows"/>.</summary>
    public List<double[]> Rates { get; } = [];

    /// <summary>Mean goodput of each flow over the window, bit/s.</summary>
    public double[] Mean { get; set; } = [];

    /// <summary>Jain's fairness index of the mean goodputs: (sum x)^2 / (n sum x^2).</summary>
    public double Jain => Math.Pow(Mean.Sum(), 2) / (Mean.Length * Mean.Sum(x => x * x));

    public void Add(double time, double[] rates)
    {
        Times.Add(time);
        Rates.Add(rates);
    }
}
