using System.Text.RegularExpressions;

namespace NetSim.Reports.Plots;

/// <summary>
/// Skia's SVG backend names clip paths from a process-wide hexadecimal counter (cl_9, cl_a, ...), so the same
/// figure drawn twice in one process comes out with different ids. Renumbering them in document
/// order makes an SVG depend on its content alone, which keeps equal runs byte-identical.
/// </summary>
public static partial class SvgIds
{
    [GeneratedRegex(@"\bcl_([0-9a-f]+)\b")]
    private static partial Regex ClipId();

    public static string Normalise(string svg)
    {
        var renumbered = new Dictionary<string, int>(StringComparer.Ordinal);
        return ClipId().Replace(svg, match =>
        {
            if (!renumbered.TryGetValue(match.Value, out var n))
            {
                n = renumbered.Count + 1;
                renumbered.Add(match.Value, n);
            }

            return $"cl_{n}";
        });
    }
}
