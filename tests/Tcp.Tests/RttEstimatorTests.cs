using NetSim.Sim.Kernel;
using NetSim.Tcp.Rtt;

namespace NetSim.Tcp.Tests;

public class RttEstimatorTests
{
    private static readonly SequenceNumber Una1 = new(1000);
    private static readonly SequenceNumber Nxt1 = new(5000);

    [Fact]
    public void LinuxEstimatorMatchesTcpRttEstimatorArithmetic()
    {
        var estimator = new LinuxRttEstimator(TcpSettings.Linux);

        // First sample, 100 ms: srtt = m<<3, mdev = m<<1, rttvar = max(mdev, rto_min = 200 ms).
        Assert.True(estimator.AddSample(100_000, Una1, Nxt1));
        Assert.Equal(800_000, estimator.SrttUs8);
        Assert.Equal(200_000, estimator.MdevUs);
        Assert.Equal(200_000, estimator.RttvarUs);
        Assert.Equal(SimTime.FromMilliseconds(300), estimator.Rto);

        // 60 ms in the same window: m = -40000, srtt 760000; |m| - mdev/4 = -10000 stays negative, mdev 190000.
        Assert.False(estimator.AddSample(60_000, new SequenceNumber(3000), new SequenceNumber(6000)));
        Assert.Equal(760_000, estimator.SrttUs8);
        Assert.Equal(190_000, estimator.MdevUs);
        Assert.Equal(200_000, estimator.RttvarUs);
        Assert.Equal(SimTime.FromMilliseconds(295), estimator.Rto);

        // 200 ms after snd_una passed rtt_seq: m = 105000 - 47500 = 57500, mdev 247500 raises mdev_max and rttvar;
        // srtt = 865000 (108.125 ms), RTO = 108125 + 247500 us = 355.625 ms, rounded up to the jiffy (HZ 1000): 356 ms.
        Assert.True(estimator.AddSample(200_000, new SequenceNumber(5001), new SequenceNumber(9000)));
        Assert.Equal(865_000, estimator.SrttUs8);
        Assert.Equal(247_500, estimator.MdevUs);
        Assert.Equal(247_500, estimator.RttvarUs);
        Assert.Equal(SimTime.FromMilliseconds(356), estimator.Rto);
    }

    [Fact]
    public void LinuxRtoRoundsUpToWholeJiffiesOfTheModelledKernel()
    {
        var estimator = new LinuxRttEstimator(TcpSettings.Linux with { Hz = 250 });
        estimator.AddSample(40_070, Una1, Nxt1);

        // 40.07 + 200 ms = 240.07 ms, in 4 ms jiffies: 61 jiffies = 244 ms.
        Assert.Equal(SimTime.FromMilliseconds(244), estimator.Rto);
    }

    [Fact]
    public void Rfc6298EstimatorFollowsSection2()
    {
        var estimator = new Rfc6298RttEstimator(TcpSettings.Rfc with { MinRto = SimTime.FromMilliseconds(200) });

        // (2.2) SRTT = R = 100, RTTVAR = R/2 = 50, RTO = SRTT + max(G, 4 RTTVAR) = 300 ms.
        estimator.AddSample(100_000, Una1, Nxt1);
        Assert.Equal(100_000_000, estimator.SrttNs);
        Assert.Equal(50_000_000, estimator.RttvarNs);
        Assert.Equal(SimTime.FromMilliseconds(300), estimator.Rto);

        // (2.3) RTTVAR = 3/4 * 50 + 1/4 * |100 - 60| = 47.5; SRTT = 7/8 * 100 + 1/8 * 60 = 95; RTO = 285 ms.
        estimator.AddSample(60_000, Una1, Nxt1);
        Assert.Equal(47_500_000, estimator.RttvarNs);
        Assert.Equal(95_000_000, estimator.SrttNs);
        Assert.Equal(SimTime.FromMilliseconds(285), estimator.Rto);

        // RTTVAR = 3/4 * 47.5 + 1/4 * 105 = 61.875; SRTT = 108.125; RTO = 355.625 ms.
        estimator.AddSample(200_000, Una1, Nxt1);
        Assert.Equal(SimTime.FromMicroseconds(355_625), estimator.Rto);
    }

    [Fact]
    public void Rfc6298RtoIsBoundedByTheMinimumAndMaximum()
    {
        var rfc = TcpSettings.Rfc;
        var estimator = new Rfc6298RttEstimator(rfc);
        estimator.AddSample(1_000, Una1, Nxt1);
        Assert.Equal(rfc.MinRto, estimator.Rto);

        estimator = new Rfc6298RttEstimator(rfc);
        estimator.AddSample(50_000_000, Una1, Nxt1);
        Assert.Equal(rfc.MaxRto, estimator.Rto);
    }
}
