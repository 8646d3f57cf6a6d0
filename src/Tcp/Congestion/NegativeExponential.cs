namespace NetSim.Tcp.Congestion;

/// <summary>
/// tcp_cdg.c's nexp_u32(): e^(-x) scaled to 2^32 - 1, for x in millionths, in integer arithmetic
/// as the kernel computes it: the low eight bits of x linearly, then one factor from a table of
/// e^(-0.000256 x 2^k) for each further bit set. Zero from x = 2^24 (16.8) on.
/// </summary>
internal static class NegativeExponential
{
    /// <summary>e^(-x) x 65536 - 1 for x = 0, then 0.000256 x 2^k, k = 0 to 15.</summary>
    private static readonly ushort[] Factors =
    [
        65535,
        65518, 65501, 65468, 65401, 65267, 65001, 64470, 63422,
        61378, 57484, 50423, 38795, 22965, 8047, 987, 14,
    ];

    public static uint OfMicros(uint micros)
    {
        var high = micros >> 8;
        if (high > ushort.MaxValue)
        {
            return 0;
        }

        var result = uint.MaxValue - ((micros & 0xff) * (uint.MaxValue / 1_000_000));
        for (var bit = 1; high != 0; bit++, high >>= 1)
        {
            if ((high & 1) != 0)
            {
                result = (uint)(((ulong)result * (Factors[bit] + 1u)) >> 16);
            }
        }

        return result;
    }
}
