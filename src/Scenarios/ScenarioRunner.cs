using System.Diagnostics;
using NetSim.Reports;
using NetSim.Reports.Pcap;
using NetSim.Reports.Plots;
using NetSim.Reports.Rows;
using NetSim.Tcp.Apps;
using NetSim.Scenarios.Model;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Scenarios;

/// <summary>
/// Runs a scenario and writes its results folder, all at once at the end: a run that fails
/// leaves the previous results untouched and no partial files.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>The run advances in this many steps, reporting progress after each.</summary>
    private const int ProgressSteps = 100;

    public static RunResult Run(Scenario scenario, string outputDirectory, IProgress<double>? progress = null)
    {
        var wall = Stopwatch.StartNew();
        var recorder = new RunRecorder(new RecorderOptions(
            Variables: scenario.Trace.Contains(TraceKind.Cwnd),
            Rtt: scenario.Trace.Contains(TraceKind.Rtt),
            SockOps: scenario.Trace.Contains(TraceKind.SockOps),
            Queue: scenario.Trace.Contains(TraceKind.Queue)));
        var files = new List<string>();
        RunOutcome outcome;
        using (var results = ResultsDirectory.Begin(outputDirectory))
        {
            var built = ScenarioBuilder.Build(scenario, recorder);
            var throughput = new List<ThroughputRow>();
            if (scenario.Trace.Contains(TraceKind.Throughput))
            {
                SampleThroughput(built, scenario, throughput);
            }

            using (var capture = StartCaptures(built, results, files))
            {
                var simulation = built.Simulation;
                for (var step = 1; step <= ProgressSteps; step++)
                {
                    simulation.Run(SimTime.FromNanoseconds(scenario.Duration.Nanoseconds / ProgressSteps * step));
                    progress?.Report((double)step / ProgressSteps);
                }

                simulation.Run(scenario.Duration);
            }

            outcome = WriteTables(scenario, built, recorder, throughput, results, files);
            files.Add("manifest.json");
            RunManifest.Write(results.PathOf("manifest.json"), scenario, outcome.Events, wall.Elapsed, files);
            results.Commit();
        }

        var counts = recorder.SockOps
            .GroupBy(r => r.OpName, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
        return new RunResult(scenario, Path.GetFullPath(outputDirectory), files, outcome.Flows, outcome.Links, counts,
            outcome.Events, wall.Elapsed);
    }

    /// <summary>Every trace interval, each flow's goodput at its receiver over the interval just ended (throughput.csv).</summary>
    private static void SampleThroughput(BuiltScenario built, Scenario scenario, List<ThroughputRow> rows)
    {
        var simulation = built.Simulation;
        var interval = scenario.TraceInterval;
        var last = new long[built.Flows.Count];
        void Sample()
        {
            for (var i = 0; i < built.Flows.Count; i++)
            {
                var bytes = built.Flows[i].Receiver.BytesReceived;
                rows.Add(new ThroughputRow(RunRecorder.Seconds(simulation.Now), built.Flows[i].Spec.Name,
                    Math.Round((bytes - last[i]) * 8m * 1000m / interval.Nanoseconds, 6)));
                last[i] = bytes;
            }

            if (simulation.Now + interval <= scenario.Duration)
            {
                simulation.Schedule(simulation.Now + interval, Sample);
            }
        }

        simulation.Schedule(interval, Sample);
    }

    private sealed record RunOutcome(List<FlowRow> Flows, List<LinkRow> Links, long Events);

    private static PacketCapture StartCaptures(BuiltScenario built, ResultsDirectory results, List<string> files)
    {
        var capture = new PacketCapture();
        foreach (var name in built.Scenario.Capture.Links)
        {
            var file = $"pcap/link-{name}.pcap";
            capture.CaptureLink(built.Links.Single(l => l.Spec.Name == name).Link, results.PathOf(file));
            files.Add(file);
        }

        foreach (var name in built.Scenario.Capture.Hosts)
        {
            var file = $"pcap/host-{name}.pcap";
            capture.CaptureHost((Host)built.Network.Find(name)!, built.Network.Links, results.PathOf(file));
            files.Add(file);
        }

        return capture;
    }

    private static RunOutcome WriteTables(Scenario scenario, BuiltScenario built, RunRecorder recorder, List<ThroughputRow> throughput, ResultsDirectory results, List<string> files)
    {
        var flows = built.Flows.Select(FlowSummary).ToList();
        var links = built.Network.Links
            .SelectMany(l => new[] { l.Forward, l.Reverse })
            .Select(c => new LinkRow(
                c.Name,
                c.RateBitsPerSecond,
                c.Statistics.PacketsTransmitted,
                c.Statistics.BytesTransmitted,
                c.Statistics.QueueDrops,
                c.Statistics.EcnMarks,
                c.Statistics.ChannelLosses,
                Math.Round((decimal)c.Statistics.BusyNanoseconds / scenario.Duration.Nanoseconds, 6)))
            .ToList();

        void Table<T>(string name, IEnumerable<T> rows)
        {
            CsvTables.Write(results.PathOf(name), rows);
            files.Add(name);
        }

        Table("flows.csv", flows);
        Table("links.csv", links);
        var hosts = built.Stacks.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new HostRow(
            s.Key,
            s.Value.ActiveOpens,
            s.Value.PortsExhausted,
            s.Value.PassiveOpens,
            s.Value.TimeWaitPeak,
            s.Value.TimeWaitSockets,
            s.Value.TimeWaitRecycled,
            s.Value.TimeWaitReopened,
            s.Value.SynCookiesSent,
            s.Value.SynCookiesReceived,
            s.Value.SynCookiesFailed,
            s.Value.RequestQueueFullDrops,
            s.Value.ListenOverflows)).ToList();
        Table("hosts.csv", hosts);
        var clients = built.Flows
            .Where(f => f.Sender is IRequestClient)
            .Select(f => (Flow: f.Spec.Name, Client: (IRequestClient)f.Sender))
            .ToList();
        var requests = clients.SelectMany(c => c.Client.Completed.Select(r => new RequestRow(
                c.Flow,
                r.Index,
                Math.Round((decimal)r.Sent.Nanoseconds / 1e9m, 9),
                Math.Round((decimal)r.Completed.Nanoseconds / 1e9m, 9),
                Math.Round((decimal)r.CompletionTime.Nanoseconds / 1e6m, 6),
                r.RequestBytes,
                r.ResponseBytes)))
            .ToList();
        var failures = clients.SelectMany(c => c.Client.Failed.Select(r => new RequestFailureRow(
                c.Flow, r.Index, Math.Round((decimal)r.At.Nanoseconds / 1e9m, 9), r.Error)))
            .ToList();
        var exchanges = clients.Count > 0;
        if (exchanges)
        {
            Table("requests.csv", requests);
            Table("request_failures.csv", failures);
        }

        Table("events.csv", recorder.Events);
        var traced = scenario.Trace;
        if (traced.Contains(TraceKind.Cwnd))
        {
            Table("timeseries.csv", recorder.Timeseries);
        }

        if (traced.Contains(TraceKind.SockOps))
        {
            Table("sockops.csv", recorder.SockOps);
        }

        if (recorder.SockOpsOutput.Count > 0)
        {
            Table("sockops_output.csv", recorder.SockOpsOutput);
        }

        if (traced.Contains(TraceKind.Rtt))
        {
            Table("rtt.csv", recorder.Rtt);
        }

        if (traced.Contains(TraceKind.Queue))
        {
            Table("queue.csv", recorder.Queue);
            Table("link_events.csv", recorder.LinkEvents);
        }

        if (traced.Contains(TraceKind.Throughput))
        {
            Table("throughput.csv", throughput);
        }

        var tables = new RunTables(scenario.Name, scenario.Duration.TotalSeconds, flows, recorder.Events,
            traced.Contains(TraceKind.Cwnd) ? recorder.Timeseries : null,
            traced.Contains(TraceKind.SockOps) ? recorder.SockOps : null,
            traced.Contains(TraceKind.Rtt) ? recorder.Rtt : null,
            traced.Contains(TraceKind.Queue) ? recorder.Queue : null,
            traced.Contains(TraceKind.Throughput) ? throughput : null,
            exchanges ? requests : null,
            exchanges ? failures : null);
        var figures = RunFigures.Draw(tables, results.PathOf);
        files.AddRange(figures);
        HtmlReport.WriteRun(results.PathOf("report.html"), tables, links, hosts, figures, results.PathOf);
        files.Add("report.html");
        return new RunOutcome(flows, links, built.Simulation.EventsDispatched);
    }

    /// <summary>
    /// A flow's row: its counters summed over every connection its source opened (one, unless
    /// each request has its own) and its receiver accepted; the states and MSS are the latest
    /// connection's.
    /// </summary>
    private static FlowRow FlowSummary(FlowInstance flow)
    {
        var senders = flow.Sender.Connections;
        var sender = flow.Sender.Connection;
        var sink = flow.Receiver;
        var receivers = sink.Accepted;
        var receiver = receivers.Count > 0 ? receivers[^1] : null;
        var active = sink.LastByteTime == SimTime.Never ? SimTime.Zero : sink.LastByteTime - flow.Spec.Start;
        var goodput = active > SimTime.Zero
            ? Math.Round(sink.BytesReceived * 8m / active.Nanoseconds * 1000m, 6)
            : 0m;
        var misplaced = receivers.Sum(r => r.Statistics.IntegrityErrors);
        var check = sink.OrderViolations == 0 && misplaced == 0
            ? "ok"
            : $"FAILED: {sink.OrderViolations} out of order, {misplaced} at the wrong offset";
        return new FlowRow(
            flow.Spec.Name,
            flow.Spec.From,
            flow.Spec.To,
            sink.BytesReceived,
            goodput,
            senders.Sum(c => c.Statistics.SegmentsOut),
            senders.Sum(c => c.Statistics.DataSegmentsOut),
            senders.Sum(c => c.Statistics.TotalRetransmissions),
            senders.Sum(c => c.Statistics.FastRetransmits),
            senders.Sum(c => c.Statistics.RetransmissionTimeouts),
            senders.Sum(c => c.Statistics.Undos),
            senders.Sum(c => c.Statistics.SpuriousRtos),
            sender is null ? "off" : sender.EcnModeAccEcn ? "accecn" : sender.EcnModeRfc3168 ? "rfc3168" : "off",
            receivers.Sum(r => r.Statistics.CeReceived),
            senders.Sum(c => (long)c.DeliveredCe),
            senders.Sum(c => c.Statistics.EcnReductions),
            sender?.State.ToString() ?? "not started",
            receiver?.State.ToString() ?? "no connection",
            check,
            sender?.Mss ?? 0);
    }
}
