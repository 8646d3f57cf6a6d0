namespace NetSim.Reports;

/// <summary>
/// An enum value's name as its ToString() gives it, looked up instead of formatted: Enum.ToString()
/// boxes the value, which on a per-packet path (drops, retransmissions) would allocate every time.
/// </summary>
internal static class EnumText<T>
    where T : struct, Enum
{
    private static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, v => v.ToString());

    public static string Of(T value) => Names.TryGetValue(value, out var name) ? name : value.ToString();
}
