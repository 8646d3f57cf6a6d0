using NetSim.Sim.Kernel;
using Xunit.Abstractions;

namespace NetSim.Validation.Tests;

/// <summary>
/// Flows with the same RTT sharing a drop-tail bottleneck converge to equal shares (Chiu and Jain
/// 1989, for AIMD; RFC 9438 §5.1 for CUBIC) and together fill the link. Jain's fairness index
/// (sum x)^2 / (n sum x^2) is 1 for equal shares and 1/n for one flow taking all. Flows with
/// different RTTs do not share equally: Reno's window grows one segment per RTT, so the
/// short-RTT flow takes more (Lakshman and Madhow 1997: throughput goes as RTT^-a, a from 1 with
/// independent losses to 2 with synchronised ones).
/// </summary>
[Trait("Category", "Validation")]
public sealed class FairnessTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("reno")]
    [InlineData("cubic")]
    public void FourFlowsShareA20MbitBottleneckFairlyAndFillIt(string congestion)
    {
        var series = Dumbbell(congestion, pairs: 4, seconds: 120);

        Assert.True(series.Jain >= 0.95, $"Jain index {series.Jain:F3} for {Shares(series)} Mbit/s");
        Assert.True(series.Mean.Sum() >= 18e6, $"the flows carried {series.Mean.Sum() / 1e6:F2} Mbit/s of 20");
    }

    [Fact]
    public void TwoCubicFlowsWithEqualRttsAreFairAfterSixtySeconds()
    {
        var series = Dumbbell("cubic", pairs: 2, seconds: 60);
        output.WriteLine($"{Shares(series)} Mbit/s, Jain {series.Jain:F4}");
        ValidationFigure.Save(ValidationFigure.Goodput($"Two CUBIC flows, 20 Mbit/s, RTT 24 ms: Jain {series.Jain:F3}", series), "fairness-cubic");

        Assert.True(series.Jain > 0.95, $"Jain index {series.Jain:F3} for {Shares(series)} Mbit/s");
    }

    [Fact]
    public void RenoWithRtts20And80MsFavoursTheShortRttFlowBetweenTheModelsBounds()
    {
        // One-way delays: 3 + 5 + 2 ms (RTT 20 ms) and 33 + 5 + 2 ms (RTT 80 ms), sharing r1-r2.
        var run = new ValidationRun("""
            name: rtt-unfairness
            seed: 2
            duration: 200s
            defaults: { profile: linux, congestion: reno, receive_buffer: 4MiB, send_buffer: 4MiB }
            hosts: [s1, s2, d1, d2]
            routers: [r1, r2]
            links:
              - { between: [s1, r1], rate: 1Gbps, delay: 3ms }
              - { between: [s2, r1], rate: 1Gbps, delay: 33ms }
              - { between: [r1, r2], rate: 20Mbps, delay: 5ms, queue: { type: droptail, packets: 100 } }
              - { between: [r2, d1], rate: 1Gbps, delay: 2ms }
              - { between: [r2, d2], rate: 1Gbps, delay: 2ms }
            flows:
              - { name: rtt20, from: s1, to: d1, app: { type: bulk } }
              - { name: rtt80, from: s2, to: d2, app: { type: bulk } }
            """, "rtt-unfairness");
        var series = run.MeasureGoodput(SimTime.FromSeconds(20), SimTime.FromSeconds(200), SimTime.FromSeconds(1));
        var ratio = series.Mean[0] / series.Mean[1];
        output.WriteLine($"RTT 20 ms: {series.Mean[0] / 1e6:F2} Mbit/s, RTT 80 ms: {series.Mean[1] / 1e6:F2} Mbit/s, ratio {ratio:F2}, Jain {series.Jain:F3}");
        ValidationFigure.Save(ValidationFigure.Goodput($"Reno, RTT 20 ms vs 80 ms on 20 Mbit/s: ratio {ratio:F2}, Jain {series.Jain:F3}", series), "rtt-unfairness");

        // The queue (up to 100 packets, 58 ms at 20 Mbit/s) adds the same delay to both, so the
        // effective RTT ratio lies between (80 + 58) / (20 + 58) and 4: the share ratio must lie
        // between that ratio to the first power and 4 squared.
        Assert.InRange(ratio, (80.0 + 58) / (20 + 58), 16);
        Assert.True(series.Mean.Sum() >= 18e6, $"the flows carried {series.Mean.Sum() / 1e6:F2} Mbit/s of 20");
    }

    private static GoodputSeries Dumbbell(string congestion, int pairs, int seconds)
    {
        var run = new ValidationRun($$"""
            name: fairness
            seed: 5
            duration: {{seconds}}s
            defaults: { profile: linux, congestion: {{congestion}}, receive_buffer: 4MiB, send_buffer: 4MiB }
            dumbbell:
              pairs: {{pairs}}
              bottleneck: { rate: 20Mbps, delay: 10ms, queue: { type: droptail, packets: 100 } }
              access: { rate: 1Gbps, delay: 1ms }
              flow: { app: { type: bulk } }
            """, "fairness");
        return run.MeasureGoodput(SimTime.Zero, SimTime.FromSeconds(seconds), SimTime.FromSeconds(1));
    }

    private static string Shares(GoodputSeries series) => string.Join(", ", series.Mean.Select(x => (x / 1e6).ToString("F2")));
}
