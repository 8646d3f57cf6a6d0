using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>Scalable TCP (net/ipv4/tcp_scalable.c): MIMD growth of one segment per min(cwnd, 100) acknowledged, an eighth off on loss.</summary>
public class ScalableTests
{
    private static CongestionWindow Window(uint cwnd, uint ssthresh) =>
        new() { Cwnd = cwnd, Ssthresh = ssthresh, IsCwndLimited = true };

    [Theory]
    [InlineData(800u, 700u)]
    [InlineData(80u, 70u)]
    [InlineData(7u, 7u)]
    [InlineData(2u, 2u)]
    [InlineData(1u, 2u)]
    public void ALossTakesAnEighthOfTheWindowAway(uint cwnd, uint expected)
    {
        Assert.Equal(expected, new Scalable().Ssthresh(Window(cwnd, 10)));
    }

    [Theory]
    [InlineData(50u, 50u)]
    [InlineData(1000u, 100u)]
    public void TheWindowGrowsOneSegmentPerMinOfCwndAndAHundredAcknowledged(uint cwnd, uint perSegment)
    {
        var window = Window(cwnd, 10);
        var scalable = new Scalable();
        scalable.CongestionAvoid(window, perSegment - 1);
        Assert.Equal(cwnd, window.Cwnd);
        scalable.CongestionAvoid(window, 1);
        Assert.Equal(cwnd + 1, window.Cwnd);
    }

    [Fact]
    public void BelowSsthreshItIsSlowStart()
    {
        var window = Window(10, 100);
        new Scalable().CongestionAvoid(window, 4);
        Assert.Equal(14u, window.Cwnd);
    }
}
