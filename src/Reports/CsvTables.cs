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

    public static List<T> Read<T>(string path)
    {
        using var csv = CsvReader.FromFile(path);
        return [.. csv.GetRecords<T>()];
    }
}
