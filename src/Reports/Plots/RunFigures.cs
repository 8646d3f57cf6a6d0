namespace NetSim.Reports.Plots;

/// <summary>
/// Draws a run's figures, each as PNG and SVG, from its tables alone: cwnd (with timeseries.csv),
/// the sock_ops timeline (sockops.csv), throughput (throughput.csv), RTT and RTO (rtt.csv),
/// queue occupancy (queue.csv) and requests completed and failed (requests.csv, request_failures.csv). The same code draws them after a run and for <c>netsim plot</c>.
/// </summary>
public static class RunFigures
{
    /// <summary>Draws what the tables allow into the files <paramref name="pathOf"/> names; returns the file names, in order.</summary>
    public static List<string> Draw(RunTables tables, Func<string, string> pathOf)
    {
        var files = new List<string>();
        void Save(string name, ScottPlot.Plot plot)
        {
            CwndPlot.Save(plot, pathOf(name + ".png"), pathOf(name + ".svg"));
            files.Add(name + ".png");
            files.Add(name + ".svg");
        }

        var mss = tables.Flows.Where(f => f.Mss > 0).ToDictionary(f => f.Flow, f => f.Mss, StringComparer.Ordinal);
        var name = tables.Name;
        if (tables.Timeseries is { } series)
        {
            Save("cwnd", CwndPlot.Create($"{name}: congestion window of each sender", series, tables.Events, mss, tables.DurationSeconds));
        }

        if (tables.SockOps is { } sockops)
        {
            Save("sockops", SockOpsTimelinePlot.Create($"{name}: sock_ops callbacks and congestion window", sockops, tables.Timeseries ?? [], mss, tables.DurationSeconds));
        }

        if (tables.Throughput is { } throughput)
        {
            Save("throughput", TimePlots.Throughput($"{name}: goodput of each flow", throughput, tables.DurationSeconds));
        }

        if (tables.Rtt is { } rtt)
        {
            var senders = tables.Flows.ToDictionary(f => f.Flow, f => f.From, StringComparer.Ordinal);
            Save("rtt", TimePlots.Rtt($"{name}: RTT samples, SRTT and RTO of each sender", rtt, senders, tables.DurationSeconds));
        }

        if (tables.Queue is { } queue)
        {
            Save("queue", TimePlots.Queue($"{name}: queue occupancy of each link direction", queue, tables.DurationSeconds));
        }

        if (tables.Requests is { } requests && tables.RequestFailures is { } failures && requests.Count + failures.Count > 0)
        {
            Save("requests", TimePlots.Requests($"{name}: requests completed and failed by each flow", requests, failures,
                [.. tables.Flows.Select(f => f.Flow)], tables.DurationSeconds));
        }

        return files;
    }
}
