using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// A metric over the runs of one grid point: their mean, sample standard deviation, and the 95%
/// confidence interval of the mean from Student's t with n - 1 degrees of freedom
/// (mean ± t(0.975, n - 1) s / sqrt(n)); with one run there is no spread to estimate and the
/// deviation and interval are NaN.
/// </summary>
public readonly record struct SweepSummary(int Runs, double Mean, double StandardDeviation, double Low, double High)
{
    public static SweepSummary Of(IReadOnlyList<double> values)
    {
        var mean = values.Mean();
        if (values.Count < 2)
        {
            return new SweepSummary(values.Count, mean, double.NaN, double.NaN, double.NaN);
        }

        var deviation = values.StandardDeviation();
        var half = StudentT.InvCDF(0, 1, values.Count - 1, 0.975) * deviation / Math.Sqrt(values.Count);
        return new SweepSummary(values.Count, mean, deviation, mean - half, mean + half);
    }

    /// <summary>Half the interval's width: the error bar.</summary>
    public double HalfWidth => double.IsNaN(High) ? 0 : (High - Low) / 2;
}
