using NetSim.Reports.Plots;
using NetSim.Reports.Rows;

namespace NetSim.Reports;

/// <summary>
/// <c>netsim plot</c>: redraws a results folder's figures and report.html from its CSV files and
/// manifest alone. The new files are drawn beside the folder's and then moved over the old ones,
/// so a failure leaves the folder as it was.
/// </summary>
public static class Replot
{
    /// <summary>Returns the files written, in order.</summary>
    public static List<string> Run(string directory)
    {
        var tables = RunTables.Read(directory);
        List<T>? Optional<T>(string file) => File.Exists(Path.Combine(directory, file)) ? CsvTables.Read<T>(Path.Combine(directory, file)) : null;
        var links = Optional<LinkRow>("links.csv");
        var hosts = Optional<HostRow>("hosts.csv");
        var staging = Path.Combine(directory, $".plot-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            string PathOf(string file) => Path.Combine(staging, file);
            var files = RunFigures.Draw(tables, PathOf);
            HtmlReport.WriteRun(PathOf("report.html"), tables, links, hosts, files, PathOf);
            files.Add("report.html");
            foreach (var file in files)
            {
                File.Move(PathOf(file), Path.Combine(directory, file), overwrite: true);
            }

            return files;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
