namespace NetSim.Validation.Tests;

/// <summary>RFC 9438 §4.2's window curve with Linux's constants: W(t) = C (t - K)^3 + W_max.</summary>
internal static class CubicCurve
{
    /// <summary>The cubic's scaling constant: tcp_cubic.c's bic_scale 41, 41 * 10 / 1024 = 0.4.</summary>
    public const double C = 0.4;

    /// <summary>The multiplicative decrease: tcp_cubic.c's beta 717 / 1024.</summary>
    public const double Beta = 0.7;

    /// <summary>K = cbrt(W_max (1 - beta) / C): seconds from the reduction until the curve is back at W_max.</summary>
    public static double K(double wMax) => Math.Cbrt(wMax * (1 - Beta) / C);

    public static double Window(double seconds, double wMax) => (C * Math.Pow(seconds - K(wMax), 3)) + wMax;
}
