using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>
/// The server of a request/response exchange: listens, and on each connection answers every
/// <see cref="RequestBytes"/> received with <see cref="ResponseBytes"/>, written as the send
/// buffer allows; it closes its side when the client has closed, or, with
/// <see cref="ClosesAfterResponse"/>, as soon as a response is written.
/// </summary>
public sealed class RequestResponseServer : IFlowReceiver
{
    private readonly TcpStack _stack;
    private readonly ushort _port;
    private readonly TcpSettings _settings;
    private readonly string? _name;
    private readonly List<TcpConnection> _accepted = [];
    private readonly StreamOrderCheck _order = new();
    private readonly Dictionary<TcpConnection, (long RequestReceived, long ResponseLeft)> _exchanges = [];

    public RequestResponseServer(TcpStack stack, ushort port, TcpSettings settings, long requestBytes, long responseBytes, string? name = null)
    {
        _stack = stack;
        _port = port;
        _settings = settings;
        _name = name;
        RequestBytes = requestBytes;
        ResponseBytes = responseBytes;
    }

    public long RequestBytes { get; }

    public long ResponseBytes { get; }

    public IReadOnlyList<TcpConnection> Accepted => _accepted;

    /// <summary>Request bytes received.</summary>
    public long BytesReceived { get; private set; }

    public long OrderViolations => _order.Violations;

    public SimTime LastByteTime { get; private set; } = SimTime.Never;

    /// <summary>Response bytes written, over all connections.</summary>
    public long ResponseBytesWritten { get; private set; }

    /// <summary>The listener takes data in SYNs (setsockopt(TCP_FASTOPEN) with its backlog as queue).</summary>
    public bool FastOpen { get; init; }

    /// <summary>Closes each connection once its response is written, the server closing first (its side then waits out TIME-WAIT).</summary>
    public bool ClosesAfterResponse { get; init; }

    public void Install()
    {
        var listener = _stack.Listen(_port, _settings, _name);
        listener.Accepted = OnAccepted;
        if (FastOpen)
        {
            listener.SetFastOpenQueue(listener.Backlog);
        }
    }

    private void OnAccepted(TcpConnection connection)
    {
        _accepted.Add(connection);
        _order.Add(connection);
        _exchanges.Add(connection, (0, 0));
        connection.DataReceived = OnRequestData;
        connection.SendSpaceAvailable = WriteResponse;
        connection.RemoteClosed = c => c.Close();
    }

    private void OnRequestData(TcpConnection connection, long streamOffset, int bytes)
    {
        _order.OnDelivery(connection, streamOffset, bytes);
        BytesReceived += bytes;
        LastByteTime = _stack.Simulation.Now;
        var (received, left) = _exchanges[connection];
        received += bytes;
        while (received >= RequestBytes)
        {
            received -= RequestBytes;
            left += ResponseBytes;
        }

        _exchanges[connection] = (received, left);
        WriteResponse(connection);
    }

    private void WriteResponse(TcpConnection connection)
    {
        var (received, left) = _exchanges[connection];
        // A Fast Open child answers before its handshake ends (tcp_passive_fastopen()).
        var sending = connection.State is TcpState.Established or TcpState.CloseWait || connection.FastOpenRequestPending;
        if (left == 0 || !sending)
        {
            return;
        }

        var written = connection.Write(left);
        ResponseBytesWritten += written;
        _exchanges[connection] = (received, left - written);
        if (ClosesAfterResponse && left == written && received == 0)
        {
            connection.Close();
        }
    }
}
