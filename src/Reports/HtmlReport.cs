using System.Globalization;
using System.Net;
using System.Text;
using NetSim.Reports.Rows;

namespace NetSim.Reports;

/// <summary>
/// report.html: one self-contained page (figures embedded as PNG data, no scripts, nothing
/// fetched) with a run's or a sweep's key tables and its figures, to open in any browser.
/// </summary>
public static class HtmlReport
{
    /// <summary>A run's page: its flows, links and hosts, then every figure in <paramref name="figures"/> (PNG files read through <paramref name="pathOf"/>).</summary>
    public static void WriteRun(string path, RunTables tables, IReadOnlyList<LinkRow>? links, IReadOnlyList<HostRow>? hosts,
        IReadOnlyList<string> figures, Func<string, string> pathOf)
    {
        var html = Begin(tables.Name, string.Create(CultureInfo.InvariantCulture, $"{tables.DurationSeconds} s simulated, {tables.Flows.Count} flow(s)"));
        Table(html, "Flows", ["flow", "from", "to", "MB", "Mbit/s", "retransmissions", "RTOs", "delivery"],
            tables.Flows.Select(f => (IReadOnlyList<string>)[f.Flow, f.From, f.To, Number(f.BytesDelivered / 1e6m), Number(f.GoodputMbps),
                Number(f.Retransmissions), Number(f.RtoCount), f.DeliveryCheck]));
        if (links is not null)
        {
            Table(html, "Links", ["direction", "packets", "queue drops", "ECN marks", "losses", "busy"],
                links.Select(l => (IReadOnlyList<string>)[l.Link, Number(l.PacketsTransmitted), Number(l.QueueDrops), Number(l.EcnMarks),
                    Number(l.ChannelLosses), (l.Utilisation * 100).ToString("F1", CultureInfo.InvariantCulture) + "%"]));
        }

        if (hosts is not null)
        {
            Table(html, "Hosts", ["host", "connects", "no free port", "accepted", "TIME-WAIT peak", "TIME-WAIT at end", "taken over", "reopened",
                    "SYN cookies sent", "cookies back", "SYNs dropped"],
                hosts.Select(h => (IReadOnlyList<string>)[h.Host, Number(h.ActiveOpens), Number(h.PortsExhausted), Number(h.PassiveOpens),
                    Number(h.TimeWaitPeak), Number(h.TimeWaitAtEnd), Number(h.TimeWaitTakenOver), Number(h.TimeWaitReopened),
                    Number(h.SynCookiesSent), Number(h.SynCookiesReceived), Number(h.RequestQueueDrops + h.ListenOverflows)]));
        }

        Figures(html, figures, pathOf);
        End(html, path);
    }

    /// <summary>A sweep's page: the summary table as given, then its figures.</summary>
    public static void WriteSweep(string path, string name, string subtitle, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows,
        IReadOnlyList<string> figures, Func<string, string> pathOf)
    {
        var html = Begin(name, subtitle);
        Table(html, "Summary", header, rows);
        Figures(html, figures, pathOf);
        End(html, path);
    }

    private static StringBuilder Begin(string name, string subtitle)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
            .Append(Encode(name))
            .Append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1450px}table{border-collapse:collapse;margin:1em 0}"
                + "th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}"
                + "img{max-width:100%;border:1px solid #ddd;margin:0.5em 0}</style>\n</head>\n<body>\n<h1>")
            .Append(Encode(name)).Append("</h1>\n<p>").Append(Encode(subtitle)).Append("</p>\n");
        return html;
    }

    private static void Table(StringBuilder html, string title, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        html.Append("<h2>").Append(Encode(title)).Append("</h2>\n<table>\n<tr>");
        foreach (var column in header)
        {
            html.Append("<th>").Append(Encode(column)).Append("</th>");
        }

        html.Append("</tr>\n");
        foreach (var row in rows)
        {
            html.Append("<tr>");
            foreach (var cell in row)
            {
                html.Append("<td>").Append(Encode(cell)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Figures(StringBuilder html, IReadOnlyList<string> figures, Func<string, string> pathOf)
    {
        var pngs = figures.Where(f => f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        if (pngs.Count == 0)
        {
            return;
        }

        html.Append("<h2>Figures</h2>\n");
        foreach (var png in pngs)
        {
            html.Append("<figure><img alt=\"").Append(Encode(png)).Append("\" src=\"data:image/png;base64,")
                .Append(Convert.ToBase64String(File.ReadAllBytes(pathOf(png))))
                .Append("\"><figcaption>").Append(Encode(png)).Append(" (SVG beside it)</figcaption></figure>\n");
        }
    }

    private static void End(StringBuilder html, string path)
    {
        html.Append("</body>\n</html>\n");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string Number(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
