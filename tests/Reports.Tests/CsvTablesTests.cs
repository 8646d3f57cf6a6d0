using NetSim.Reports.Rows;

namespace NetSim.Reports.Tests;

public sealed class CsvTablesTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"netsim-csv-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void RowsAreWrittenWithTheDocumentedHeaderAndReadBackUnchanged()
    {
        var rows = new List<TimeseriesRow>
        {
            new(0.0400704m, "bulk", 14600, null, 40.07m, 241m, 14600),
            new(1.5m, "bulk, with a comma", 20440, 29200, 41.5m, 242m, 0),
        };

        CsvTables.Write(_path, rows);

        var lines = File.ReadAllLines(_path);
        Assert.Equal("time_s,flow,cwnd_bytes,ssthresh_bytes,srtt_ms,rto_ms,bytes_in_flight", lines[0]);
        Assert.Equal("0.0400704,bulk,14600,,40.07,241,14600", lines[1]);
        Assert.Equal(rows, CsvTables.Read<TimeseriesRow>(_path));
    }
}
