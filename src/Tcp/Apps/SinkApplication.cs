using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>
/// A receiver: listens on a port, reads everything as it arrives, checks that each connection's
/// stream comes in order with no gap or repeat, and closes its side when the peer has finished.
/// </summary>
public sealed class SinkApplication : IFlowReceiver
{
    private readonly TcpStack _stack;
    private readonly ushort _port;
    private readonly TcpSettings _settings;
    private readonly List<TcpConnection> _accepted = [];

    public SinkApplication(TcpStack stack, ushort port, TcpSettings settings, string? name = null)
    {
        _stack = stack;
        _port = port;
        _settings = settings;
        _name = name;
    }

    private readonly string? _name;

    public TcpConnection? Listener { get; private set; }

    public IReadOnlyList<TcpConnection> Accepted => _accepted;

    public long BytesReceived { get; private set; }

    /// <summary>Deliveries whose stream offset was not the next expected byte; must stay 0.</summary>
    public long OrderViolations => _order.Violations;

    public SimTime FirstByteTime { get; private set; } = SimTime.Never;

    public SimTime LastByteTime { get; private set; } = SimTime.Never;

    private readonly StreamOrderCheck _order = new();

    public void Install()
    {
        Listener = _stack.Listen(_port, _settings, _name);
        Listener.Accepted = OnAccepted;
    }

    private void OnAccepted(TcpConnection connection)
    {
        _accepted.Add(connection);
        _order.Add(connection);
        connection.DataReceived = OnData;
        connection.RemoteClosed = c => c.Close();
    }

    private void OnData(TcpConnection connection, long streamOffset, int bytes)
    {
        _order.OnDelivery(connection, streamOffset, bytes);
        BytesReceived += bytes;
        var now = _stack.Simulation.Now;
        if (FirstByteTime == SimTime.Never)
        {
            FirstByteTime = now;
        }

        LastByteTime = now;
    }
}
