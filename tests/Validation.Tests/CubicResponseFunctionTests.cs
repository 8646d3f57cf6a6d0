using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using ScottPlot;
using Xunit.Abstractions;

namespace NetSim.Validation.Tests;

/// <summary>
/// CUBIC's response function (Ha, Rhee and Xu 2008; RFC 9438 §5.1): under periodic loss, one loss
/// every 1/p packets, the window climbs C (t - K)^3 + W_max from beta W_max, and if every loss comes
/// just as it reaches W_max (at t = K) its average is (C (3 + beta) / (4 (1 - beta)))^(1/4)
/// (RTT/p)^(3/4) = 1.054 (RTT/p)^(3/4) segments.
///
/// Linux's bictcp_update() lands the loss elsewhere. It computes the curve in whole segments,
/// truncating the offset C (K - t)^3, so its target is W_max itself from cbrt(1/C) = 1.36 s before
/// K, one RTT more since the target is taken at t + delay_min: the window reaches W_max early and
/// stays there. A loss anywhere on that plateau finds the window equal to W_max, so
/// bictcp_recalc_ssthresh() keeps W_max as it was (fast convergence acts only on a window below it),
/// and the next epoch is the same again. The flow settles where its losses fall on the plateau
/// rather than at K, so its epochs are shorter than K and its average window higher than the
/// response function's. These tests check that the simulated CUBIC does exactly that, and that the
/// response function's own derivation, told where the loss fell, predicts its throughput.
/// </summary>
[Trait("Category", "Validation")]
public sealed class CubicResponseFunctionTests(ITestOutputHelper output)
{
    private const double C = CubicCurve.C;
    private const double Beta = CubicCurve.Beta;
    private const double Rtt = 0.1;
    private const int LossEvery = 10_000;
    private const int SegmentBytes = 1448;

    /// <summary>How long the truncated offset C (K - t)^3 stays below one segment, plus the target's RTT ahead.</summary>
    private static readonly double Plateau = Math.Cbrt(1 / C) + Rtt;

    private static readonly SimTime SteadyFrom = SimTime.FromSeconds(60);
    private static readonly SimTime Until = SimTime.FromSeconds(160);

    [Fact]
    public void UnderPeriodicLossEveryEpochEndsOnTheIntegerPlateauAndThroughputFollowsTheModelForThatLoss()
    {
        var cycles = Measure(out var samples);
        Assert.True(cycles.Count >= 15, $"only {cycles.Count} loss cycles after {SteadyFrom.TotalSeconds} s");

        // A fixed point: the same W_max every time, kept by each loss (no fast convergence), which
        // comes on the plateau, between K - cbrt(1/C) - RTT and K after the epoch began.
        var wMax = cycles[0].LastMax;
        var k = CubicCurve.K(wMax);
        foreach (var cycle in cycles)
        {
            Assert.Equal(wMax, cycle.LastMax);
            Assert.Equal(cycle.LastMax, cycle.CwndAtLoss);
            var early = k - cycle.CongestionAvoidanceSeconds;
            Assert.True(early >= 0 && early <= Plateau, $"a loss {early:F3} s before K = {k:F3} s, off the plateau of {Plateau:F3} s");
        }

        // The response function's derivation with the loss where it fell, d before K: one epoch of
        // 1/p packets is an RTT of recovery at beta W and the curve from 0 to K - d.
        var d = k - cycles.Average(c => c.CongestionAvoidanceSeconds);
        var predictedWindow = AverageWindow(SolveWMax(d), d);
        var seconds = cycles[^1].LossAt - cycles[0].LossAt;
        var bytes = cycles[^1].BytesAtLoss - cycles[0].BytesAtLoss;
        var measuredWindow = bytes / (double)SegmentBytes / (seconds / Rtt);
        var rfc = ResponseFunction();
        output.WriteLine($"W_max {wMax} segments, K {k:F3} s, losses {d:F3} s before K over {cycles.Count} cycles of {seconds / (cycles.Count - 1):F3} s");
        output.WriteLine($"segments per RTT: measured {measuredWindow:F1}, the derivation with the loss {d:F3} s early {predictedWindow:F1}, RFC 9438 §5.1 (loss at K) {rfc:F1}");
        Assert.InRange(measuredWindow / predictedWindow, 0.97, 1.03);

        // The response function is the low end of what the plateau allows: a loss at its start
        // gives the high end.
        var highest = AverageWindow(SolveWMax(Plateau), Plateau);
        Assert.InRange(measuredWindow, rfc, highest);
        SaveFigure(samples, rfc, measuredWindow, wMax);
    }

    /// <summary>RFC 9438 §5.1: the average window when every loss comes at W_max.</summary>
    private static double ResponseFunction() =>
        Math.Pow(C * (3 + Beta) / (4 * (1 - Beta)), 0.25) * Math.Pow(Rtt * LossEvery, 0.75);

    /// <summary>Packets in one epoch of the fluid model whose loss comes <paramref name="d"/> before K.</summary>
    private static double PacketsPerEpoch(double wMax, double d)
    {
        var k = CubicCurve.K(wMax);
        var curve = (wMax * (k - d)) + (C * (Math.Pow(d, 4) - Math.Pow(k, 4)) / 4);
        return (Beta * wMax) + (curve / Rtt);
    }

    private static double AverageWindow(double wMax, double d)
    {
        var k = CubicCurve.K(wMax);
        return PacketsPerEpoch(wMax, d) / (1 + ((k - d) / Rtt));
    }

    /// <summary>The W_max whose epoch, ending <paramref name="d"/> before K, holds 1/p packets (packets grow with W_max).</summary>
    private static double SolveWMax(double d)
    {
        double low = 1, high = 1e6;
        while (high - low > 1e-6)
        {
            var mid = (low + high) / 2;
            if (PacketsPerEpoch(mid, d) < LossEvery)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>Runs the flow, noting each loss cycle that begins and ends after <see cref="SteadyFrom"/>.</summary>
    private static List<LossCycle> Measure(out List<(double Time, double Cwnd)> samples)
    {
        var run = new ValidationRun($$"""
            name: cubic-response
            seed: 1
            duration: {{Until.TotalSeconds}}s
            defaults: { profile: linux, congestion: cubic, receive_buffer: 64MiB, send_buffer: 64MiB }
            hosts: [sender, receiver]
            links:
              - between: [sender, receiver]
                rate: 1Gbps
                delay: 50ms
                queue: { type: droptail, packets: 100000 }
                loss: { forward: { type: periodic, every: {{LossEvery}} } }
            flows:
              - { name: bulk, from: sender, to: receiver, app: { type: bulk } }
            """, "cubic-response");
        var step = SimTime.FromMilliseconds(1);
        run.RunUntil(step);
        var sender = run.Sender("bulk");
        var cubic = Assert.IsType<Cubic>(sender.Congestion);
        var cycles = new List<LossCycle>();
        samples = [];
        SimTime? epochStart = null;
        var previousState = sender.CaState;
        var previousCwnd = sender.Window.Cwnd;
        while (run.Now < Until)
        {
            run.RunUntil(run.Now + step);
            var state = sender.CaState;
            if (run.Now >= SteadyFrom)
            {
                samples.Add((run.Now.TotalSeconds, sender.Window.Cwnd));
                if (previousState != CaState.Recovery && state == CaState.Recovery && epochStart is { } began)
                {
                    cycles.Add(new LossCycle(run.Now.TotalSeconds, (run.Now - began).TotalSeconds, previousCwnd, cubic.LastMaxCwnd, run.BytesReceived("bulk")));
                }
                else if (previousState == CaState.Recovery && state != CaState.Recovery)
                {
                    epochStart = run.Now;
                }
            }

            previousState = state;
            previousCwnd = sender.Window.Cwnd;
        }

        return cycles;
    }

    private static void SaveFigure(List<(double Time, double Cwnd)> samples, double rfc, double measured, uint wMax)
    {
        var plot = new Plot();
        plot.Title($"CUBIC, periodic loss 1e-4, RTT 100 ms: W_max {wMax}, {measured:F0} segments per RTT (response function {rfc:F0})");
        plot.XLabel("time (s)");
        plot.YLabel("segments");
        var shown = samples.Where(s => s.Time <= samples[0].Time + 20).ToArray();
        var cwnd = plot.Add.Scatter(shown.Select(s => s.Time).ToArray(), shown.Select(s => s.Cwnd).ToArray(), Colors.Blue);
        cwnd.MarkerSize = 0;
        cwnd.LegendText = "NetSim cwnd";
        var average = plot.Add.HorizontalLine(measured, 2, Colors.Blue, LinePattern.Dashed);
        average.LegendText = "NetSim's throughput in segments per RTT";
        var model = plot.Add.HorizontalLine(rfc, 2, Colors.Gray, LinePattern.Dashed);
        model.LegendText = "RFC 9438 §5.1: 1.054 (RTT/p)^(3/4)";
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimitsY(0, wMax * 1.2);
        ValidationFigure.Save(plot, "cubic-response");
    }

    /// <param name="LossAt">When the loss was detected (the sender entered recovery), in seconds.</param>
    /// <param name="CongestionAvoidanceSeconds">From the end of the previous recovery to this loss.</param>
    /// <param name="CwndAtLoss">The window just before the loss was detected.</param>
    /// <param name="LastMax">W_max as bictcp_recalc_ssthresh() left it for the next epoch.</param>
    private sealed record LossCycle(double LossAt, double CongestionAvoidanceSeconds, uint CwndAtLoss, uint LastMax, long BytesAtLoss);
}
