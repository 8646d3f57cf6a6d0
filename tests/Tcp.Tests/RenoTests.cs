using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

public class RenoTests
{
    private static CongestionWindow Window(uint cwnd, uint ssthresh) =>
        new() { Cwnd = cwnd, Ssthresh = ssthresh, IsCwndLimited = true };

    [Fact]
    public void SlowStartAddsOneSegmentPerSegmentAcknowledged()
    {
        var window = Window(10, CongestionWindow.InfiniteSsthresh);
        new Reno().CongestionAvoid(window, 5);
        Assert.Equal(15u, window.Cwnd);
    }

    [Fact]
    public void SlowStartStopsAtSsthreshAndTheRestCountsTowardsAdditiveIncrease()
    {
        var window = Window(10, 12);
        new Reno().CongestionAvoid(window, 5);
        Assert.Equal(12u, window.Cwnd);
        Assert.Equal(3u, window.CwndCount);
    }

    [Fact]
    public void CongestionAvoidanceAddsOneSegmentPerWindowOfAcks()
    {
        var window = Window(10, 5);
        var reno = new Reno();
        for (var i = 0; i < 9; i++)
        {
            reno.CongestionAvoid(window, 1);
        }

        Assert.Equal(10u, window.Cwnd);
        reno.CongestionAvoid(window, 1);
        Assert.Equal(11u, window.Cwnd);
    }

    [Fact]
    public void TheWindowDoesNotGrowWhenItIsNotTheLimit()
    {
        var window = new CongestionWindow { Cwnd = 10, Ssthresh = 5, IsCwndLimited = false };
        new Reno().CongestionAvoid(window, 10);
        Assert.Equal(10u, window.Cwnd);
    }

    [Theory]
    [InlineData(20u, 10u)]
    [InlineData(3u, 2u)]
    [InlineData(1u, 2u)]
    public void SsthreshIsHalfTheWindowButAtLeastTwo(uint cwnd, uint expected)
    {
        Assert.Equal(expected, new Reno().Ssthresh(Window(cwnd, 100)));
    }
}
