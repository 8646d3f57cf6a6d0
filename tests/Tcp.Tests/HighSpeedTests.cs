using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>HighSpeed TCP (RFC 3649, net/ipv4/tcp_highspeed.c): a(w) and b(w) from the window's row of the table.</summary>
public class HighSpeedTests
{
    private static CongestionWindow Window(uint cwnd) => new() { Cwnd = cwnd, Ssthresh = 10, IsCwndLimited = true };

    [Theory]
    [InlineData(30u, 0, 15u)]
    [InlineData(38u, 0, 19u)]
    [InlineData(39u, 1, 22u)]
    [InlineData(1000u, 7, 676u)]
    [InlineData(100_000u, 71, 90_625u)]
    public void TheWindowsRowGivesTheIncreasePerAckAndTheDecreaseOnLoss(uint cwnd, int row, uint ssthresh)
    {
        var highSpeed = new HighSpeed();
        var window = Window(cwnd);

        highSpeed.CongestionAvoid(window, 1);

        Assert.Equal(row, highSpeed.Index);
        Assert.Equal((uint)row + 1, window.CwndCount);
        Assert.Equal(ssthresh, highSpeed.Ssthresh(window));
    }

    [Fact]
    public void EachAckAddsItsRowsIncreaseWhateverItAcknowledges()
    {
        // 1000 segments, row 7: a(w) = 8 per ACK, so 125 ACKs grow the window by one, stretch ACKs or not.
        var highSpeed = new HighSpeed();
        var window = Window(1000);
        for (var ack = 0; ack < 124; ack++)
        {
            highSpeed.CongestionAvoid(window, 5);
        }

        Assert.Equal(1000u, window.Cwnd);
        highSpeed.CongestionAvoid(window, 5);
        Assert.Equal(1001u, window.Cwnd);
    }

    [Fact]
    public void SlowStartDoesNotCarryLeftoverAcksIntoCongestionAvoidance()
    {
        var window = new CongestionWindow { Cwnd = 10, Ssthresh = 12, IsCwndLimited = true };
        new HighSpeed().CongestionAvoid(window, 5);
        Assert.Equal(12u, window.Cwnd);
        Assert.Equal(0u, window.CwndCount);
    }
}
