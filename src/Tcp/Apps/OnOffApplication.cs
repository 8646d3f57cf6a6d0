using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// An on/off source: connects at its start time, then alternates on periods, when it writes, and
/// off periods, when it writes nothing, each drawn from its distribution. While on it writes at
/// <see cref="RateBitsPerSecond"/> in <see cref="ChunkBytes"/> writes, or, without a rate, as
/// much as the send buffer takes (data already buffered still drains while off). It closes at its
/// stop time or after <see cref="MaxBytes"/>.
/// </summary>
public sealed class OnOffApplication(
    TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name,
    PeriodDistribution on, PeriodDistribution off, System.Random random)
    : FlowSource(stack, destination, port, settings, name)
{
    private readonly Func<SimTime> _onPeriod = on.Sampler(random);
    private readonly Func<SimTime> _offPeriod = off.Sampler(random);
    private bool _on;

    public long? MaxBytes { get; init; }

    /// <summary>Payload rate while on; null writes as fast as TCP takes the data.</summary>
    public long? RateBitsPerSecond { get; init; }

    /// <summary>Bytes per write when a rate is set.</summary>
    public int ChunkBytes { get; init; } = 1448;

    /// <summary>On periods begun.</summary>
    public int OnPeriods { get; private set; }

    /// <summary>Time spent in on periods.</summary>
    public SimTime TimeOn { get; private set; }

    public override void Install() => Simulation.Process(Run());

    private IEnumerable<SimEvent> Run()
    {
        yield return Simulation.Timeout(Start);
        var connection = Connect();
        connection.SendSpaceAvailable = _ => FillIfOn();
        while (!Finished)
        {
            var onEnd = SimTime.Min(Simulation.Now + _onPeriod(), Stop);
            _on = true;
            OnPeriods++;
            TimeOn += onEnd - Simulation.Now;
            if (RateBitsPerSecond is { } rate)
            {
                var gap = SimTime.FromSeconds(ChunkBytes * 8.0 / rate);
                while (Simulation.Now < onEnd && !Finished)
                {
                    WriteUpTo(ChunkBytes);
                    yield return Simulation.Timeout(SimTime.Min(gap, onEnd - Simulation.Now));
                }
            }
            else
            {
                FillIfOn();
                yield return Simulation.Timeout(onEnd - Simulation.Now);
            }

            _on = false;
            if (Finished)
            {
                break;
            }

            yield return Simulation.Timeout(SimTime.Min(_offPeriod(), Stop - Simulation.Now));
        }

        CloseOnce();
    }

    private bool Finished => Closed || Simulation.Now >= Stop || (MaxBytes is { } max && BytesWritten >= max);

    private void FillIfOn()
    {
        if (_on && RateBitsPerSecond is null && !Finished)
        {
            WriteUpTo(long.MaxValue);
        }
    }

    private void WriteUpTo(long bytes)
    {
        if (Connection!.State is not (TcpState.Established or TcpState.SynSent or TcpState.SynReceived or TcpState.CloseWait))
        {
            return;
        }

        Write(Math.Min(bytes, MaxBytes is { } max ? max - BytesWritten : long.MaxValue));
        if (MaxBytes is { } limit && BytesWritten >= limit)
        {
            CloseOnce();
        }
    }
}
