using BenchmarkDotNet.Attributes;

namespace NetSim.Benchmarks;

/// <summary>
/// The machine, not NetSim: the latency of a dependent load from a working set of
/// <see cref="WorkingSetMiB"/>, on one thread or on two at once (each with a working set of its own).
/// Each step reads one 64-byte line picked by the line before it, along one random cycle through
/// all of them, so neither the prefetcher nor out-of-order execution hides a
/// miss. Where the time per step jumps is the size of cache the simulation really has; where two
/// threads slow each other is what two sweep jobs or two processes share. bench/README.md reads the
/// scaling curve and the sweeps against it.
/// </summary>
public class MemoryLatencyBenchmarks
{
    private const int StepsPerInvoke = 8_000_000;
    private const int IntsPerLine = 64 / sizeof(int);

    private int[][] _cycles = [];

    [Params(1, 2, 4, 8, 16, 32, 64, 256)]
    public int WorkingSetMiB { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cycles = new int[Threads][];
        for (var i = 0; i < Threads; i++)
        {
            _cycles[i] = RandomCycle(WorkingSetMiB * 1024 * 1024 / 64, seed: (ulong)i + 1);
        }
    }

    /// <summary>Time per dependent load; with two threads, each walks its own cycle at the same time.</summary>
    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public int DependentLoad()
    {
        if (Threads == 1)
        {
            return Walk(_cycles[0]);
        }

        var other = Task.Run(() => Walk(_cycles[1]));
        return Walk(_cycles[0]) ^ other.Result;
    }

    private static int Walk(int[] cycle)
    {
        var at = 0;
        for (var i = 0; i < StepsPerInvoke; i++)
        {
            at = cycle[at];
        }

        return at;
    }

    /// <summary>
    /// One cycle through <paramref name="lines"/> cache lines in a shuffled order (Fisher-Yates): each
    /// line's first int holds the index of the next line's first int, the last line's the first's.
    /// </summary>
    private static int[] RandomCycle(int lines, ulong seed)
    {
        var order = new int[lines];
        for (var i = 0; i < lines; i++)
        {
            order[i] = i;
        }

        var state = 0x9E3779B97F4A7C15UL * seed;
        for (var i = lines - 1; i > 0; i--)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            var j = (int)(state % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        var cycle = new int[lines * IntsPerLine];
        for (var i = 0; i < lines; i++)
        {
            cycle[order[i] * IntsPerLine] = order[(i + 1) % lines] * IntsPerLine;
        }

        return cycle;
    }
}
