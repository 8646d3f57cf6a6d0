using System.Diagnostics;
using System.Globalization;

namespace NetSim.Scenarios.Benchmarks;

/// <summary>
/// The process's peak resident set. On Linux it is read from <c>/proc/self/status</c> (VmHWM) directly:
/// <see cref="Process.PeakWorkingSet64"/> reads the same line but first loads System.Diagnostics.Process
/// and snapshots the whole process, half a megabyte that would count in the figure it reports.
/// </summary>
public static class PeakWorkingSet
{
    private const string StatusFile = "/proc/self/status";

    public static long OfThisProcess()
    {
        if (File.Exists(StatusFile))
        {
            foreach (var line in File.ReadLines(StatusFile))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kilobytes = line["VmHWM:".Length..].Trim();
                    return long.Parse(kilobytes[..kilobytes.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }

        return FromProcess();
    }

    private static long FromProcess()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }
}
