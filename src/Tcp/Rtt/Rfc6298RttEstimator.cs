using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Rtt;

/// <summary>
/// RFC 6298 §2 in integer nanoseconds: SRTT = R, RTTVAR = R/2 on the first sample; then
/// RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'| (with the old SRTT) and SRTT = 7/8 SRTT + 1/8 R';
/// RTO = max(min RTO, SRTT + max(G, 4 RTTVAR)) with G one clock tick, capped at the max RTO.
/// </summary>
public sealed class Rfc6298RttEstimator(TcpSettings settings) : RttEstimator(settings)
{
    public long SrttNs { get; private set; }

    public long RttvarNs { get; private set; }

    protected override void Update(long measuredUs, bool first, bool windowPassed)
    {
        var r = measuredUs * 1_000;
        if (first)
        {
            SrttNs = r;
            RttvarNs = r / 2;
        }
        else
        {
            RttvarNs = ((3 * RttvarNs) + Math.Abs(SrttNs - r)) / 4;
            SrttNs = ((7 * SrttNs) + r) / 8;
        }

        SrttUs8 = Math.Max(1, SrttNs / 1_000 * 8);
        var granularity = 1_000_000_000L / Settings.Hz;
        Rto = Bound(SimTime.FromNanoseconds(SrttNs + Math.Max(granularity, 4 * RttvarNs)));
    }
}
