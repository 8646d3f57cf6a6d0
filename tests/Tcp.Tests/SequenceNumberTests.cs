using FsCheck.Xunit;

namespace NetSim.Tcp.Tests;

public class SequenceNumberTests
{
    [Fact]
    public void ComparisonsWrapAroundTwoToThe32()
    {
        var nearTop = new SequenceNumber(0xFFFF_FFF0);
        var wrapped = nearTop + 0x20;

        Assert.Equal(0x10u, wrapped.Value);
        Assert.True(wrapped > nearTop);
        Assert.True(nearTop < wrapped);
        Assert.Equal(0x20, wrapped - nearTop);
        Assert.Equal(-0x20, nearTop - wrapped);
    }

    [Property]
    public bool AdvancingByLessThanTwoToThe31IsAlwaysAfter(uint start, int distance)
    {
        var d = (int)((uint)distance % 0x7FFF_FFFF) + 1;
        var a = new SequenceNumber(start);
        var b = a + d;
        return b > a && a < b && b - a == d && (b - d) == a;
    }

    [Fact]
    public void InWindowFollowsRfc9293ModuloArithmetic()
    {
        var low = new SequenceNumber(0xFFFF_FF00);
        var high = low + 0x200;
        Assert.True(new SequenceNumber(0xFFFF_FF00).InWindow(low, high));
        Assert.True(new SequenceNumber(0x0000_00FF).InWindow(low, high));
        Assert.False(new SequenceNumber(0x0000_0100).InWindow(low, high));
        Assert.False(new SequenceNumber(0xFFFF_FEFF).InWindow(low, high));
    }
}
