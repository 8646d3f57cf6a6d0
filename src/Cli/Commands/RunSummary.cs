using System.Globalization;
using NetSim.Scenarios;
using Spectre.Console;

namespace NetSim.Cli.Commands;

/// <summary>The one-screen summary of a run: flows, links, sock_ops callbacks, and where the files are.</summary>
internal static class RunSummary
{
    public static void Print(RunResult result)
    {
        var scenario = result.Scenario;
        AnsiConsole.MarkupLineInterpolated(
            $"[bold]{scenario.Name}[/]: {scenario.Duration} simulated, seed {scenario.Seed}, Linux {scenario.Kernel.Version} (HZ {scenario.Kernel.Hz}); {result.EventsDispatched:N0} events in {result.WallTime.TotalSeconds:0.00} s");

        var flows = new Table().Title("flows").AddColumns("flow", "path", "MB", "Mbit/s", "retrans (fast)", "RTOs", "delivery");
        foreach (var f in result.Flows)
        {
            flows.AddRow(
                Markup.Escape(f.Flow),
                Markup.Escape($"{f.From}→{f.To}"),
                (f.BytesDelivered / 1e6).ToString("0.000", CultureInfo.InvariantCulture),
                f.GoodputMbps.ToString("0.000", CultureInfo.InvariantCulture),
                $"{f.Retransmissions} ({f.FastRetransmits})",
                f.RtoCount.ToString(CultureInfo.InvariantCulture),
                f.DeliveryCheck == "ok" ? "[green]ok[/]" : $"[red]{Markup.Escape(f.DeliveryCheck)}[/]");
        }

        AnsiConsole.Write(flows);

        var links = new Table().Title("links").AddColumns("direction", "packets", "queue drops", "ECN marks", "losses", "busy");
        foreach (var l in result.Links)
        {
            links.AddRow(Markup.Escape(l.Link), l.PacketsTransmitted.ToString("N0", CultureInfo.InvariantCulture),
                l.QueueDrops.ToString(CultureInfo.InvariantCulture), l.EcnMarks.ToString(CultureInfo.InvariantCulture),
                l.ChannelLosses.ToString(CultureInfo.InvariantCulture), $"{l.Utilisation * 100:0.0}%");
        }

        AnsiConsole.Write(links);

        if (result.SockOpsCounts.Count > 0)
        {
            var callbacks = new Table().Title("sock_ops invocations").AddColumns("op", "count");
            foreach (var (op, count) in result.SockOpsCounts)
            {
                callbacks.AddRow(op, count.ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(callbacks);
        }

        AnsiConsole.MarkupLineInterpolated($"results: [link]{result.OutputDirectory}[/] ({string.Join(", ", result.Files)})");
    }
}
