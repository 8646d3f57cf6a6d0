using System.Globalization;
using System.Text.RegularExpressions;

namespace NetSim.Scenarios;

/// <summary>
/// Quantities written the way people write them: rates (10Mbps, 1Gbit/s), durations (20ms, 1.5s),
/// sizes (64KiB, 1500B), probabilities (1%, 0.01). Decimal prefixes are powers of 1000, binary
/// ones (Ki, Mi, Gi) powers of 1024.
/// </summary>
public static partial class Units
{
    private static readonly Dictionary<string, double> RateUnits = new(StringComparer.Ordinal)
    {
        ["bps"] = 1, ["bit/s"] = 1,
        ["kbps"] = 1e3, ["Kbps"] = 1e3, ["kbit/s"] = 1e3, ["Kbit/s"] = 1e3,
        ["Mbps"] = 1e6, ["Mbit/s"] = 1e6,
        ["Gbps"] = 1e9, ["Gbit/s"] = 1e9,
    };

    private static readonly Dictionary<string, long> DurationUnits = new(StringComparer.Ordinal)
    {
        ["ns"] = 1, ["us"] = 1_000, ["ms"] = 1_000_000, ["s"] = 1_000_000_000, ["min"] = 60_000_000_000,
    };

    private static readonly Dictionary<string, long> SizeUnits = new(StringComparer.Ordinal)
    {
        ["B"] = 1, ["KB"] = 1000, ["kB"] = 1000, ["MB"] = 1_000_000, ["GB"] = 1_000_000_000,
        ["KiB"] = 1024, ["MiB"] = 1024 * 1024, ["GiB"] = 1024L * 1024 * 1024,
    };

    [GeneratedRegex(@"^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z/%]*)\s*$")]
    private static partial Regex Quantity();

    /// <summary>A rate in bits per second; a unit is required.</summary>
    public static bool TryParseRate(string text, out long bitsPerSecond, out string problem)
    {
        bitsPerSecond = 0;
        if (!TrySplit(text, out var value, out var unit) || !RateUnits.TryGetValue(unit, out var scale))
        {
            problem = $"'{text}' is not a rate; write a positive number with a unit ({string.Join(", ", RateUnits.Keys)}), e.g. 10Mbps";
            return false;
        }

        bitsPerSecond = (long)Math.Round(value * scale);
        problem = string.Empty;
        return true;
    }

    /// <summary>A duration in nanoseconds; a unit is required.</summary>
    public static bool TryParseDuration(string text, out long nanoseconds, out string problem)
    {
        nanoseconds = 0;
        if (!TrySplit(text, out var value, out var unit) || !DurationUnits.TryGetValue(unit, out var scale))
        {
            problem = $"'{text}' is not a duration; write a number with a unit ({string.Join(", ", DurationUnits.Keys)}), e.g. 20ms";
            return false;
        }

        nanoseconds = (long)Math.Round(value * scale);
        problem = string.Empty;
        return true;
    }

    /// <summary>A size in bytes; a bare number counts bytes.</summary>
    public static bool TryParseSize(string text, out long bytes, out string problem)
    {
        bytes = 0;
        if (!TrySplit(text, out var value, out var unit) || (unit.Length > 0 && !SizeUnits.ContainsKey(unit)))
        {
            problem = $"'{text}' is not a size; write a number of bytes, optionally with a unit ({string.Join(", ", SizeUnits.Keys)}), e.g. 64KiB";
            return false;
        }

        bytes = (long)Math.Round(value * (unit.Length == 0 ? 1 : SizeUnits[unit]));
        problem = string.Empty;
        return true;
    }

    /// <summary>A probability in [0, 1], written as a fraction (0.01) or a percentage (1%).</summary>
    public static bool TryParseProbability(string text, out double probability, out string problem)
    {
        probability = 0;
        if (!TrySplit(text, out var value, out var unit) || unit is not ("" or "%"))
        {
            problem = $"'{text}' is not a probability; write a fraction (0.01) or a percentage (1%)";
            return false;
        }

        probability = unit == "%" ? value / 100 : value;
        if (probability is < 0 or > 1)
        {
            problem = $"'{text}' is outside [0, 1]";
            return false;
        }

        problem = string.Empty;
        return true;
    }

    private static bool TrySplit(string text, out double value, out string unit)
    {
        value = 0;
        unit = string.Empty;
        var match = Quantity().Match(text);
        if (!match.Success)
        {
            return false;
        }

        unit = match.Groups[2].Value;
        return double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}
