using System.Globalization;

namespace NetSim.SockOps.Kernel;

/// <summary>A Linux release, major.minor, as a scenario names it ("5.10", "6.18").</summary>
public readonly record struct KernelVersion(int Major, int Minor) : IComparable<KernelVersion>
{
    /// <summary>The newest release whose sock_ops behaviour is modelled (SOCKOPS.md was read from 6.18).</summary>
    public static readonly KernelVersion Newest = new(6, 18);

    /// <summary>The first release with BPF_PROG_TYPE_SOCK_OPS.</summary>
    public static readonly KernelVersion Oldest = new(4, 13);

    public static bool TryParse(string text, out KernelVersion version)
    {
        version = default;
        var parts = text.Split('.');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        version = new KernelVersion(major, minor);
        return true;
    }

    public int CompareTo(KernelVersion other) => (Major, Minor).CompareTo((other.Major, other.Minor));

    public static bool operator <(KernelVersion a, KernelVersion b) => a.CompareTo(b) < 0;
    public static bool operator >(KernelVersion a, KernelVersion b) => a.CompareTo(b) > 0;
    public static bool operator <=(KernelVersion a, KernelVersion b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KernelVersion a, KernelVersion b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Major}.{Minor}";
}
