using NetSim.Reports;
using NetSim.Reports.Rows;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// scenarios/pmtud-black-hole.yaml: a 1400-byte tunnel whose router sends no Fragmentation Needed
/// (RFC 2923 §2.1), crossed by senders of 1500-byte packets with each tcp_mtu_probing mode.
/// </summary>
public sealed class PmtudBlackHoleScenarioTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public void OnlyMtuProbingGetsThroughABlackHoleAndItFindsThePathMtu()
    {
        var result = ScenarioRunner.Run(ScenarioParser.ParseFile(Repository.Scenario("pmtud-black-hole.yaml")), _temporary.Path);
        var flows = result.Flows.ToDictionary(f => f.Flow);

        // Without probing nothing full-sized arrives, and no ICMP ever lowers the MSS.
        Assert.Equal((0L, 1448), (flows["classic"].BytesDelivered, flows["classic"].Mss));
        Assert.True(flows["classic"].RtoCount >= 5);

        // Black hole detection after tcp_retries1's 3 s of timeouts, then the search up to within
        // tcp_probe_threshold of the path's 1348 (1400 less 40 bytes of headers and 12 of timestamps).
        Assert.InRange(flows["detect"].Mss, 1348 - 8, 1348);
        Assert.True(flows["detect"].RtoCount >= 3);
        Assert.True(flows["detect"].BytesDelivered > 10_000_000);

        // Probing from the start never sends what the tunnel drops for long enough to time out.
        Assert.Equal(flows["detect"].Mss, flows["probe"].Mss);
        Assert.Equal(0, flows["probe"].RtoCount);
        Assert.True(flows["probe"].BytesDelivered > flows["detect"].BytesDelivered);
        Assert.All(flows.Values, f => Assert.Equal("ok", f.DeliveryCheck));
    }
}
