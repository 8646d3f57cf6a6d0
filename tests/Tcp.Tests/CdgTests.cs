using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;
using Xunit.Abstractions;

namespace NetSim.Tcp.Tests;

/// <summary>CAIA Delay-Gradient as Linux's tcp_cdg.c.</summary>
public class CdgTests(ITestOutputHelper output)
{
    /// <summary>nexp_u32(): e^(-x) in 32-bit fixed point from a 17-entry table, within 2e-5 of the real thing up to 2^24 millionths.</summary>
    [Theory]
    [InlineData(0u)]
    [InlineData(255u)]
    [InlineData(256u)]
    [InlineData(1_000u)]
    [InlineData(42_000u)]
    [InlineData(1_000_000u)]
    [InlineData(3_141_593u)]
    [InlineData(16_777_215u)]
    public void TheBackoffExponentialFollowsEToTheMinusX(uint micros)
    {
        var scaled = NegativeExponential.OfMicros(micros) / (double)uint.MaxValue;
        Assert.InRange(scaled - Math.Exp(-micros * 1e-6), -2e-5, 2e-5);
    }

    [Fact]
    public void TheBackoffExponentialIsExactAtZeroAndCutOffFromTwoToTheTwentyFour()
    {
        Assert.Equal(uint.MaxValue, NegativeExponential.OfMicros(0));
        Assert.Equal(0u, NegativeExponential.OfMicros(1u << 24));
        Assert.True(NegativeExponential.OfMicros((1u << 24) - 1) > 0);
    }

    /// <summary>
    /// tcp_ack() of the SYN-ACK calls the module's pkts_acked with the SYN's RTT before
    /// tcp_init_transfer() calls its init, and tcp_cdg_init() keeps what it recorded: the first
    /// round's smallest and largest RTT are the handshake's.
    /// </summary>
    [Fact]
    public void TheHandshakeRttOpensTheFirstRound()
    {
        var net = new TwoHostNetwork(settings: TcpSettings.Linux with { Congestion = "cdg" });
        var (_, sender) = net.StartBulk();
        for (var ms = 1; ms <= 100 && sender.Connection is not { State: TcpState.Established }; ms++)
        {
            net.Simulation.Run(SimTime.FromMilliseconds(ms));
        }

        var connection = sender.Connection!;
        Assert.Equal(TcpState.Established, connection.State);
        var round = Assert.IsType<Cdg>(connection.Congestion).CurrentRound;
        var handshakeRtt = (int)(connection.Rtt.SrttUs8 >> 3);
        Assert.InRange(handshakeRtt, 40_000, 41_000);
        Assert.Equal(handshakeRtt, round.Min);
        Assert.Equal(handshakeRtt, round.Max);
    }

    /// <summary>
    /// Alone on a path with six BDPs of buffer (10 Mbit/s, 40 ms, 400 packets), CDG backs off as
    /// the queue starts to build: the queue stays at a few packets, nothing is lost (HyStart ends
    /// slow start before the buffer fills), and the link stays mostly busy. A loss-based flow on
    /// the same path fills the buffer.
    /// </summary>
    [Fact]
    public void AloneOnADeepBufferCdgKeepsTheQueueShortAndLosesNothing()
    {
        var (cdgRun, cdg) = Run("cdg");
        var (_, cubic) = Run("cubic");
        var algorithm = Assert.IsType<Cdg>(cdgRun.Sender.Congestion);
        output.WriteLine($"CDG: queue {cdg.MeanQueue:F1}, busy {cdg.Busy:P1}, {algorithm.Backoffs} backoffs; CUBIC: queue {cubic.MeanQueue:F1}");

        Assert.InRange(cdg.MeanQueue, 0.5, 8);
        Assert.True(cdg.Busy > 0.85, $"busy {cdg.Busy:P1}");
        Assert.Equal(0, cdgRun.Sender.Statistics.TotalRetransmissions);
        Assert.True(algorithm.Backoffs > 20, $"{algorithm.Backoffs} backoffs");
        Assert.True(cubic.MeanQueue > 100, $"CUBIC's queue {cubic.MeanQueue:F1}");
    }

    /// <summary>
    /// Sharing the bottleneck with CUBIC, whose queue does not fall when CDG backs off, CDG's
    /// backoffs become ineffectual: past five in a row with no fall in delay (use_ineff) a
    /// decision to back off is not carried out, and CDG grows as Reno until the delay falls.
    /// Alone, the backoffs drain the queue and the count never passes five.
    /// </summary>
    [Fact]
    public void BesideCubicIneffectualBackoffsStop()
    {
        var shared = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, queuePackets: 400, settings: Settings("cdg"));
        var (_, cdgSender) = shared.StartBulk();
        var cubicSink = new SinkApplication(shared.ServerStack, 5002, Settings("cubic"));
        cubicSink.Install();
        new BulkSendApplication(shared.ClientStack, shared.Server.Address, 5002, Settings("cubic"), "cubic").Install();
        var beside = WatchBackoffs(shared.Simulation, cdgSender);

        var alone = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20, queuePackets: 400, settings: Settings("cdg"));
        var (_, aloneSender) = alone.StartBulk();
        var byItself = WatchBackoffs(alone.Simulation, aloneSender);
        output.WriteLine($"beside CUBIC: at most {beside.MostInARow} in a row, {beside.Refused} refused while {beside.Taken} taken; alone: at most {byItself.MostInARow}");

        Assert.True(beside.Refused > 10, $"{beside.Refused} backoffs refused");
        Assert.Equal(0, beside.TakenPastFive);
        Assert.True(beside.Taken > 0);
        Assert.InRange(byItself.MostInARow, 1u, 5u);
    }

    private static TcpSettings Settings(string congestion) =>
        TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20 };

    private static (BulkRun Run, BottleneckSample Sample) Run(string congestion)
    {
        var run = new BulkRun(congestion, rateBps: 10_000_000, delayMs: 20, queuePackets: 400);
        return (run, BottleneckSample.Measure(run.Network.Simulation, run.Network.Forward, SimTime.FromSeconds(5), SimTime.FromSeconds(60)));
    }

    /// <summary>
    /// Samples the connection's backoffs every 10 ms for a minute: the longest run without a fall in
    /// delay, the backoffs taken, the decisions refused (the run grew past five) and the backoffs
    /// taken while it was past five, which use_ineff forbids.
    /// </summary>
    private static (uint MostInARow, long Taken, int Refused, int TakenPastFive) WatchBackoffs(Simulation simulation, BulkSendApplication sender)
    {
        uint most = 0, inARow = 0;
        long taken = 0;
        int refused = 0, takenPastFive = 0;
        for (var t = SimTime.FromSeconds(1); t <= SimTime.FromSeconds(60); t += SimTime.FromMilliseconds(10))
        {
            simulation.Run(t);
            var cdg = (Cdg)sender.Connection!.Congestion;
            if (cdg.BackoffsInARow > Math.Max(inARow, 5))
            {
                refused++;
                takenPastFive += cdg.Backoffs > taken && inARow >= 5 ? 1 : 0;
            }

            (inARow, taken) = (cdg.BackoffsInARow, cdg.Backoffs);
            most = Math.Max(most, inARow);
        }

        return (most, taken, refused, takenPastFive);
    }
}
