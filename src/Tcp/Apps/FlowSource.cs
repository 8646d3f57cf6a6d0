using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// What every application at a flow's source shares: where it connects, with which settings,
/// when it starts and stops, its connection once open, the bytes it wrote, and a close that
/// happens once.
/// </summary>
public abstract class FlowSource(TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name) : IFlowSender
{
    protected TcpStack Stack { get; } = stack;

    protected Simulation Simulation => Stack.Simulation;

    public string Name { get; } = name;

    public SimTime Start { get; init; } = SimTime.Zero;

    /// <summary>When the application stops writing and closes; never by default.</summary>
    public SimTime Stop { get; init; } = SimTime.Never;

    public TcpConnection? Connection { get; private set; }

    public IReadOnlyList<TcpConnection> Connections => _connections;

    private readonly List<TcpConnection> _connections = [];

    public long BytesWritten { get; protected set; }

    protected bool Closed { get; private set; }

    public abstract void Install();

    /// <summary>connect(): opens the flow's connection; <see cref="AddressNotAvailableException"/> when no local port is free.</summary>
    protected TcpConnection Connect() => Opened(Stack.Connect(destination, port, settings, Name));

    /// <summary>
    /// sendto(MSG_FASTOPEN): opens the flow's connection with up to <paramref name="bytes"/> of
    /// data in its SYN when it holds the server's cookie; the bytes the SYN took count as written.
    /// </summary>
    protected TcpConnection ConnectWithData(long bytes)
    {
        var connection = Opened(Stack.ConnectWithData(destination, port, bytes, settings, Name));
        BytesWritten += connection.FastOpenCopied;
        return connection;
    }

    private TcpConnection Opened(TcpConnection connection)
    {
        Connection = connection;
        _connections.Add(connection);
        return connection;
    }

    /// <summary>write(): asks to write <paramref name="bytes"/>; the send buffer takes what it has room for (a writer it holds back sets SOCK_NOSPACE); returns how many.</summary>
    protected long Write(long bytes)
    {
        var written = Connection!.Write(bytes);
        BytesWritten += written;
        return written;
    }

    protected void CloseOnce()
    {
        if (!Closed && Connection is { } connection)
        {
            Closed = true;
            connection.Close();
        }
    }
}
