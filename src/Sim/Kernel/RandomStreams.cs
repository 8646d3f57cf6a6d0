using System.Text;

namespace NetSim.Sim.Kernel;

/// <summary>
/// Named, independent random streams: <c>Get("loss/link0/forward")</c> is seeded from the
/// scenario seed and a stable hash of the name, so adding a stream never shifts another one and
/// the same seed always gives the same numbers in every process.
/// </summary>
public sealed class RandomStreams(ulong seed)
{
    private readonly Dictionary<string, System.Random> _streams = new(StringComparer.Ordinal);

    public System.Random Get(string name)
    {
        if (!_streams.TryGetValue(name, out var stream))
        {
            stream = new Xoshiro256StarStarStream(DeriveSeed(seed, name));
            _streams.Add(name, stream);
        }

        return stream;
    }

    /// <summary>SplitMix64 over the seed and the FNV-1a hash of the name, folded to 31 bits.</summary>
    public static int DeriveSeed(ulong seed, string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        var z = seed ^ hash;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFF_FFFF);
    }
}
