using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// A bulk sender: connects at its start time, keeps the send buffer full, and closes after
/// <see cref="MaxBytes"/> bytes or at its stop time, whichever comes first.
/// </summary>
public sealed class BulkSendApplication : IFlowSender
{
    private readonly TcpStack _stack;
    private readonly Ipv4Address _destination;
    private readonly ushort _port;
    private readonly TcpSettings _settings;
    private bool _closed;

    public BulkSendApplication(TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name)
    {
        _stack = stack;
        _destination = destination;
        _port = port;
        _settings = settings;
        Name = name;
    }

    public string Name { get; }

    public SimTime Start { get; init; } = SimTime.Zero;

    /// <summary>When the application stops writing and closes; never by default.</summary>
    public SimTime Stop { get; init; } = SimTime.Never;

    /// <summary>Total bytes to send; unbounded by default.</summary>
    public long? MaxBytes { get; init; }

    public TcpConnection? Connection { get; private set; }

    public long BytesWritten { get; private set; }

    public void Install() => _stack.Simulation.Process(Run());

    private IEnumerable<SimEvent> Run()
    {
        var simulation = _stack.Simulation;
        yield return simulation.Timeout(Start);
        var connection = _stack.Connect(_destination, _port, _settings, Name);
        Connection = connection;
        connection.Established = Fill;
        connection.SendSpaceAvailable = Fill;
        if (Stop == SimTime.Never)
        {
            yield break;
        }

        yield return simulation.Timeout(Stop - simulation.Now);
        CloseOnce(connection);
    }

    private void Fill(TcpConnection connection)
    {
        if (_closed)
        {
            return;
        }

        var wanted = MaxBytes is { } max ? max - BytesWritten : connection.SendBufferSpace;
        if (wanted > 0 && connection.SendBufferSpace > 0)
        {
            BytesWritten += connection.Write(Math.Min(wanted, connection.SendBufferSpace));
        }

        if (MaxBytes is { } limit && BytesWritten >= limit)
        {
            CloseOnce(connection);
        }
    }

    private void CloseOnce(TcpConnection connection)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        connection.Close();
    }
}
