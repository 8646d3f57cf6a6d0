using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using ScottPlot;
using Xunit.Abstractions;

namespace NetSim.Validation.Tests;

/// <summary>
/// RFC 9438 §4.2: after a reduction, CUBIC's window follows W(t) = C (t - K)^3 + W_max with C = 0.4
/// and K = cbrt(W_max (1 - beta) / C), beta = 0.7, t counted from the start of congestion avoidance.
/// One loss at a window of about 1500 segments on a path above it (RTT 100 ms, 200 Mbit/s) puts
/// CUBIC in its cubic region (the Reno-friendly estimate stays below) with nothing else to disturb
/// it. The link is not much faster than the window needs, so ACKs come spread over the RTT as the
/// model's fluid view has them; on a 1 Gbit/s link slow start's line-rate bursts persist, every ACK
/// of a window comes in the first eighth of the RTT, and the window moves in steps that a
/// once-per-RTT sample sees up to four segments late.
/// </summary>
[Trait("Category", "Validation")]
public sealed class CubicModelTests(ITestOutputHelper output)
{
    [Fact]
    public void AfterOneLossTheWindowFollowsTheCubicCurveWithinOneSegmentEveryRttUntilWmax()
    {
        var run = new ValidationRun("""
            name: cubic-curve
            seed: 1
            duration: 30s
            defaults: { profile: linux, congestion: cubic, receive_buffer: 64MiB, send_buffer: 64MiB }
            hosts: [sender, receiver]
            links:
              - between: [sender, receiver]
                rate: 200Mbps
                delay: 50ms
                queue: { type: droptail, packets: 100000 }
                loss: { forward: { type: scheduled, segments: [{ flow: bulk, seq: 2172001 }] } }
            flows:
              - { name: bulk, from: sender, to: receiver, app: { type: bulk } }
            """, "cubic-curve");
        var step = SimTime.FromMilliseconds(1);
        run.RunUntil(step);
        var sender = run.Sender("bulk");
        while (run.Now < SimTime.FromSeconds(5) && sender.CaState != CaState.Recovery)
        {
            run.RunUntil(run.Now + step);
        }

        Assert.Equal(CaState.Recovery, sender.CaState);
        while (sender.CaState != CaState.Open)
        {
            run.RunUntil(run.Now + step);
        }

        var epoch = run.Now;
        var cubic = Assert.IsType<Cubic>(sender.Congestion);
        double wMax = cubic.LastMaxCwnd;
        var k = CubicCurve.K(wMax);
        var rtt = SimTime.FromMilliseconds(100);
        var times = new List<double>();
        var measured = new List<double>();
        var worst = 0.0;
        for (var t = rtt; ; t += rtt)
        {
            run.RunUntil(epoch + t);
            var model = CubicCurve.Window(t.TotalSeconds, wMax);
            times.Add(t.TotalSeconds);
            measured.Add(sender.Window.Cwnd);
            worst = Math.Max(worst, Math.Abs(sender.Window.Cwnd - model));

            // cwnd counts whole segments: it is compared with W(t) rounded to one.
            Assert.True(Math.Abs(sender.Window.Cwnd - Math.Round(model)) <= 1, $"at t = {t.TotalSeconds:F1} s cwnd is {sender.Window.Cwnd}, W(t) = {model:F1} (W_max {wMax}, K {k:F2} s)");
            if (model >= wMax)
            {
                break;
            }
        }

        output.WriteLine($"W_max {wMax} segments, K {k:F3} s, {times.Count} RTTs, largest |cwnd - W(t)| {worst:F2} segments");
        Assert.True(k > 5, $"K = {k:F2} s: the loss came too early to test a long curve");
        SaveFigure(times, measured, wMax, k, worst);
    }

    private static void SaveFigure(List<double> times, List<double> measured, double wMax, double k, double worst)
    {
        var plot = new Plot();
        plot.Title($"CUBIC after one loss at W_max = {wMax} segments (RTT 100 ms): largest |cwnd - W(t)| = {worst:F2}");
        plot.XLabel("time since congestion avoidance began (s)");
        plot.YLabel("segments");
        var curveT = Enumerable.Range(0, 200).Select(i => i * times[^1] / 199).ToArray();
        var curve = plot.Add.Scatter(curveT, curveT.Select(t => CubicCurve.Window(t, wMax)).ToArray(), Colors.Gray);
        curve.MarkerSize = 0;
        curve.LineWidth = 3;
        curve.LegendText = $"W(t) = 0.4 (t - {k:F2})^3 + {wMax}";
        var points = plot.Add.Markers(times.ToArray(), measured.ToArray(), MarkerShape.FilledCircle, 5, Colors.Blue);
        points.LegendText = "NetSim cwnd, every RTT";
        plot.ShowLegend(Alignment.LowerRight);
        ValidationFigure.Save(plot, "cubic-curve");
    }
}
