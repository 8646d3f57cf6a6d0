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
public sealed class OnOffApplication : IFlowSender
{
    private readonly TcpStack _stack;
    private readonly Ipv4Address _destination;
    private readonly ushort _port;
    private readonly TcpSettings _settings;
    private readonly Func<SimTime> _onPeriod;
    private readonly Func<SimTime> _offPeriod;
    private bool _on;
    private bool _closed;

    public OnOffApplication(TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name,
        PeriodDistribution on, PeriodDistribution off, System.Random random)
    {
        _stack = stack;
        _destination = destination;
        _port = port;
        _settings = settings;
        Name = name;
        _onPeriod = on.Sampler(random);
        _offPeriod = off.Sampler(random);
    }

    public string Name { get; }

    public SimTime Start { get; init; } = SimTime.Zero;

    public SimTime Stop { get; init; } = SimTime.Never;

    public long? MaxBytes { get; init; }

    /// <summary>Payload rate while on; null writes as fast as TCP takes the data.</summary>
    public long? RateBitsPerSecond { get; init; }

    /// <summary>Bytes per write when a rate is set.</summary>
    public int ChunkBytes { get; init; } = 1448;

    public TcpConnection? Connection { get; private set; }

    public long BytesWritten { get; private set; }

    /// <summary>On periods begun.</summary>
    public int OnPeriods { get; private set; }

    /// <summary>Time spent in on periods.</summary>
    public SimTime TimeOn { get; private set; }

    public void Install() => _stack.Simulation.Process(Run());

    private IEnumerable<SimEvent> Run()
    {
        var simulation = _stack.Simulation;
        yield return simulation.Timeout(Start);
        var connection = _stack.Connect(_destination, _port, _settings, Name);
        Connection = connection;
        connection.SendSpaceAvailable = _ => FillIfOn();
        while (!Finished)
        {
            var onEnd = SimTime.Min(simulation.Now + _onPeriod(), Stop);
            _on = true;
            OnPeriods++;
            TimeOn += onEnd - simulation.Now;
            if (RateBitsPerSecond is { } rate)
            {
                var gap = SimTime.FromSeconds(ChunkBytes * 8.0 / rate);
                while (simulation.Now < onEnd && !Finished)
                {
                    WriteUpTo(ChunkBytes);
                    yield return simulation.Timeout(SimTime.Min(gap, onEnd - simulation.Now));
                }
            }
            else
            {
                FillIfOn();
                yield return simulation.Timeout(onEnd - simulation.Now);
            }

            _on = false;
            if (Finished)
            {
                break;
            }

            yield return simulation.Timeout(SimTime.Min(_offPeriod(), Stop - simulation.Now));
        }

        CloseOnce();
    }

    private bool Finished => _closed || _stack.Simulation.Now >= Stop || (MaxBytes is { } max && BytesWritten >= max);

    private void FillIfOn()
    {
        if (_on && RateBitsPerSecond is null && !Finished)
        {
            WriteUpTo(long.MaxValue);
        }
    }

    private void WriteUpTo(long bytes)
    {
        var connection = Connection!;
        if (connection.State is not (TcpState.Established or TcpState.SynSent or TcpState.SynReceived or TcpState.CloseWait))
        {
            return;
        }

        var wanted = Math.Min(bytes, MaxBytes is { } max ? max - BytesWritten : long.MaxValue);
        BytesWritten += connection.Write(Math.Min(wanted, connection.SendBufferSpace));
        if (MaxBytes is { } limit && BytesWritten >= limit)
        {
            CloseOnce();
        }
    }

    private void CloseOnce()
    {
        if (!_closed && Connection is { } connection)
        {
            _closed = true;
            connection.Close();
        }
    }
}
