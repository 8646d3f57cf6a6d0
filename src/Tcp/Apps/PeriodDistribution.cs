using MathNet.Numerics.Distributions;
using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>The kinds of period an application draws: fixed, exponential, or Pareto (heavy-tailed).</summary>
public enum PeriodKind
{
    Constant,
    Exponential,
    Pareto,
}

/// <summary>
/// The length of on, off or think periods: a constant, an exponential with the given mean, or a
/// Pareto with the given mean and shape (scale = mean * (shape - 1) / shape, so shape must exceed
/// 1), drawn with MathNet.Numerics from the application's own seeded stream.
/// </summary>
public sealed record PeriodDistribution(PeriodKind Kind, SimTime Mean, double Shape = 1.5)
{
    public static PeriodDistribution Fixed(SimTime length) => new(PeriodKind.Constant, length);

    /// <summary>A sampler over <paramref name="random"/>; each call draws one period.</summary>
    public Func<SimTime> Sampler(System.Random random)
    {
        var mean = Mean.TotalSeconds;
        switch (Kind)
        {
            case PeriodKind.Exponential:
                var exponential = new Exponential(1 / mean, random);
                return () => SimTime.FromSeconds(exponential.Sample());
            case PeriodKind.Pareto:
                var pareto = new Pareto(mean * (Shape - 1) / Shape, Shape, random);
                return () => SimTime.FromSeconds(pareto.Sample());
            default:
                return () => Mean;
        }
    }

    public override string ToString() => Kind switch
    {
        PeriodKind.Constant => Mean.ToString(),
        PeriodKind.Pareto => $"pareto(mean {Mean}, shape {Shape})",
        _ => $"exponential(mean {Mean})",
    };
}
