using FsCheck;
using FsCheck.Xunit;
using MathNet.Numerics.Random;
using NetSim.Sim.Kernel;

namespace NetSim.Sim.Tests;

/// <summary>
/// The simulator's streams must give MathNet's Xoshiro256StarStar numbers, call for call, so that
/// every scenario's results stay what they were when MathNet's generator drew them.
/// </summary>
public class Xoshiro256StarStarStreamTests
{
    [Property(MaxTest = 200)]
    public void DoublesAreMathNets(int seed)
    {
        var ours = new Xoshiro256StarStarStream(seed);
        var theirs = new Xoshiro256StarStar(seed, threadSafe: false);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(theirs.NextDouble(), ours.NextDouble());
        }
    }

    [Property(MaxTest = 200)]
    public void BoundedIntegersAreMathNets(int seed, PositiveInt bound)
    {
        var ours = new Xoshiro256StarStarStream(seed);
        var theirs = new Xoshiro256StarStar(seed, threadSafe: false);
        foreach (var maxValue in new[] { bound.Get, 1, 2, 256, 1000, 1 << 22, int.MaxValue })
        {
            Assert.Equal(theirs.Next(maxValue), ours.Next(maxValue));
        }

        Assert.Equal(theirs.Next(), ours.Next());
        Assert.Equal(theirs.Next(-5, bound.Get), ours.Next(-5, bound.Get));
    }

    [Property(MaxTest = 200)]
    public void LongIntegersAreMathNets(int seed)
    {
        var ours = new Xoshiro256StarStarStream(seed);
        var theirs = new Xoshiro256StarStar(seed, threadSafe: false);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(theirs.NextInt64(0, 1L << 32), ours.NextInt64(0, 1L << 32));
            Assert.Equal(theirs.NextInt64(), ours.NextInt64());
            Assert.Equal(theirs.NextInt64(49_152, 65_536), ours.NextInt64(49_152, 65_536));
        }
    }

    [Fact]
    public void BytesAreMathNetsWholeOutputs()
    {
        var ours = new byte[37];
        var theirs = new byte[37];
        new Xoshiro256StarStarStream(12345).NextBytes(ours);
        new Xoshiro256StarStar(12345, threadSafe: false).NextBytes(theirs);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void BoundsOutsideTheRangeAreRefused()
    {
        var stream = new Xoshiro256StarStarStream(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Next(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Next(5, 5));
    }
}
