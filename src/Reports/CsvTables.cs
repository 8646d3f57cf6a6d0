using CsvHelper;

namespace NetSim.Reports;

/// <summary>Writes and reads the run's tables as RFC 4180 CSV (LF line ends, invariant numbers), so equal runs give equal bytes.</summary>
public static class CsvTables
{
    private static readonly CsvWriterOptions WriterOptions = new() { NewLine = "\n" };

    public static void Write<T>(string path, IEnumerable<T> rows)
    {
        using var csv = CsvWriter.ToFile(path, WriterOptions);
        csv.WriteRecords(rows);
    }

    /// <summary>A table whose columns are known only at run time (a sweep's parameters and flows): a header row, then the rows.</summary>
    public static void WriteTable(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        using var csv = CsvWriter.ToFile(path, WriterOptions);
        foreach (var name in header)
        {
            csv.WriteField(name);
        }

        csv.EndRecord();
        foreach (var row in rows)
        {
            foreach (var field in row)
            {
                csv.WriteField(field);
            }

            csv.EndRecord();
        }
    }

    public static List<T> Read<T>(string path)
    {
        using var csv = CsvReader.FromFile(path);
        return [.. csv.GetRecords<T>()];
    }
}
