using NetSim.Reports;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp;

namespace NetSim.Validation.Tests;

/// <summary>
/// A scenario built from YAML and driven step by step, so that a validation can measure over a
/// window of its own (after a warm-up) and sample the senders' state as the run goes.
/// </summary>
internal sealed class ValidationRun
{
    private readonly Scenarios.BuiltScenario _built;

    public ValidationRun(string yaml, string name)
    {
        var scenario = Scenarios.ScenarioParser.Parse(yaml, name + ".yaml");
        _built = Scenarios.ScenarioBuilder.Build(scenario, new RunRecorder(new RecorderOptions(false, false, false, false)));
    }

    public Simulation Simulation => _built.Simulation;

    public SimTime Now => Simulation.Now;

    public IReadOnlyList<string> Flows => [.. _built.Flows.Select(f => f.Spec.Name)];

    public void RunUntil(SimTime time) => Simulation.Run(time);

    public long BytesReceived(string flow) => Flow(flow).Receiver.BytesReceived;

    public TcpConnection Sender(string flow) => Flow(flow).Sender.Connection ?? throw new InvalidOperationException($"flow {flow} has not connected");

    /// <summary>The direction of the named link that leaves <paramref name="from"/>.</summary>
    public LinkChannel Channel(string link, string from)
    {
        var (spec, built) = _built.Links.Single(l => l.Spec.Name == link);
        return spec.A == from ? built.Forward : built.Reverse;
    }

    /// <summary>Each flow's goodput in bit/s between <paramref name="from"/> and <paramref name="to"/>, with samples every <paramref name="step"/>.</summary>
    public GoodputSeries MeasureGoodput(SimTime from, SimTime to, SimTime step)
    {
        RunUntil(from);
        var series = new GoodputSeries(Flows);
        var start = Flows.Select(BytesReceived).ToArray();
        var previous = start.ToArray();
        for (var t = from + step; t <= to; t += step)
        {
            RunUntil(t);
            var now = Flows.Select(BytesReceived).ToArray();
            series.Add(t.TotalSeconds, [.. now.Select((b, i) => (b - previous[i]) * 8.0 / step.TotalSeconds)]);
            previous = now;
        }

        series.Mean = [.. previous.Select((b, i) => (b - start[i]) * 8.0 / (to - from).TotalSeconds)];
        return series;
    }

    private Scenarios.FlowInstance Flow(string name) => _built.Flows.Single(f => f.Spec.Name == name);
}
