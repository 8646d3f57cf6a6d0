using System.Numerics;

namespace NetSim.Sim.Kernel;

/// <summary>
/// One seeded random stream: xoshiro256** (Blackman and Vigna, "Scrambled Linear Pseudorandom
/// Number Generators", 2018) with its state filled by SplitMix64 from the seed, giving exactly the
/// numbers of MathNet.Numerics' <c>Xoshiro256StarStar(seed)</c> for every call the simulator makes.
/// MathNet's generator cannot be built without its base class also drawing a seed from the
/// operating system's cryptographic source, which loads OpenSSL (5 MB of every run's memory) for
/// a number nobody uses; this class derives from <see cref="System.Random"/> directly. MathNet's
/// distributions take it like any <see cref="System.Random"/>.
/// </summary>
public sealed class Xoshiro256StarStarStream : System.Random
{
    private const double UnitPerUlp = 1.0 / (1UL << 53);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>
    /// A stream seeded with <paramref name="seed"/>. The base class is given a fixed seed: its own
    /// generator is never drawn from, since every member that would reach it is overridden here.
    /// </summary>
    public Xoshiro256StarStarStream(int seed)
        : base(0)
    {
        var state = (ulong)seed;
        _s0 = SplitMix64(ref state);
        _s1 = SplitMix64(ref state);
        _s2 = SplitMix64(ref state);
        _s3 = SplitMix64(ref state);
    }

    /// <summary>A uniform double in [0, 1): the top 53 bits of the next output.</summary>
    protected override double Sample() => (NextUInt64() >> 11) * UnitPerUlp;

    public override double NextDouble() => Sample();

    public override float NextSingle() => (float)Sample();

    /// <summary>A uniform integer in [0, int.MaxValue): the low 31 bits, drawn again on int.MaxValue.</summary>
    public override int Next()
    {
        while (true)
        {
            var value = NextUInt64() & 0x7FFF_FFFFUL;
            if (value != 0x7FFF_FFFFUL)
            {
                return (int)value;
            }
        }
    }

    /// <summary>
    /// A uniform integer in [0, <paramref name="maxValue"/>) without bias: the top bits of one output
    /// when the bound is a power of two, else rejection from the next power of two up.
    /// </summary>
    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxValue);
        if (maxValue == 1)
        {
            return 0;
        }

        if (maxValue == int.MaxValue)
        {
            return Next();
        }

        var bits = BitOperations.Log2((uint)maxValue);
        if (1 << bits == maxValue)
        {
            return TopBits(bits);
        }

        int value;
        do
        {
            value = TopBits(bits + 1);
        }
        while (value >= maxValue);
        return value;
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minValue, maxValue);
        return maxValue == minValue + 1 ? minValue : Next(maxValue - minValue) + minValue;
    }

    /// <summary>Whole outputs, least significant byte first.</summary>
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    public override void NextBytes(Span<byte> buffer)
    {
        var i = 0;
        while (i < buffer.Length)
        {
            var value = NextUInt64();
            for (var b = 0; b < 8 && i < buffer.Length; b++, i++)
            {
                buffer[i] = (byte)value;
                value >>= 8;
            }
        }
    }

    private int TopBits(int bits) => (int)(NextUInt64() >> (64 - bits));

    /// <summary>The next output of xoshiro256** (xoshiro256starstar.c's next()).</summary>
    private ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
