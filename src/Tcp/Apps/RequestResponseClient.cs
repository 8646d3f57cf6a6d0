using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// The client of a request/response exchange: connects at its start time, writes a request of
/// <see cref="RequestBytes"/>, waits for the whole response of <see cref="ResponseBytes"/>,
/// records the exchange's completion time, thinks for a drawn period, and repeats, over one
/// connection, until <see cref="Requests"/> are done or its stop time; then it closes.
/// </summary>
public sealed class RequestResponseClient : IFlowSender
{
    private readonly TcpStack _stack;
    private readonly Ipv4Address _destination;
    private readonly ushort _port;
    private readonly TcpSettings _settings;
    private readonly Func<SimTime> _think;
    private readonly List<RequestRecord> _completed = [];
    private long _requestLeft;
    private long _responseReceived;
    private SimTime _sent;
    private bool _closed;

    public RequestResponseClient(TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name,
        long requestBytes, long responseBytes, PeriodDistribution think, System.Random random)
    {
        _stack = stack;
        _destination = destination;
        _port = port;
        _settings = settings;
        Name = name;
        RequestBytes = requestBytes;
        ResponseBytes = responseBytes;
        _think = think.Sampler(random);
    }

    public string Name { get; }

    public long RequestBytes { get; }

    public long ResponseBytes { get; }

    public SimTime Start { get; init; } = SimTime.Zero;

    public SimTime Stop { get; init; } = SimTime.Never;

    /// <summary>Exchanges to make; unbounded by default (until the stop time).</summary>
    public int? Requests { get; init; }

    public TcpConnection? Connection { get; private set; }

    public long BytesWritten { get; private set; }

    /// <summary>The exchanges completed, in order.</summary>
    public IReadOnlyList<RequestRecord> Completed => _completed;

    public void Install() => _stack.Simulation.Schedule(Start, Open);

    private void Open()
    {
        var connection = _stack.Connect(_destination, _port, _settings, Name);
        Connection = connection;
        connection.Established = _ => SendRequest();
        connection.SendSpaceAvailable = _ => WriteRequest();
        connection.DataReceived = OnResponseData;
        if (Stop != SimTime.Never)
        {
            _stack.Simulation.Schedule(Stop, CloseOnce);
        }
    }

    private void SendRequest()
    {
        if (_closed || _stack.Simulation.Now >= Stop || (Requests is { } n && _completed.Count >= n))
        {
            CloseOnce();
            return;
        }

        _sent = _stack.Simulation.Now;
        _requestLeft = RequestBytes;
        _responseReceived = 0;
        WriteRequest();
    }

    private void WriteRequest()
    {
        if (_closed || _requestLeft == 0)
        {
            return;
        }

        var written = Connection!.Write(Math.Min(_requestLeft, Connection.SendBufferSpace));
        _requestLeft -= written;
        BytesWritten += written;
    }

    private void OnResponseData(TcpConnection connection, long streamOffset, int bytes)
    {
        _responseReceived += bytes;
        if (_responseReceived < ResponseBytes || _requestLeft > 0)
        {
            return;
        }

        var now = _stack.Simulation.Now;
        _completed.Add(new RequestRecord(_completed.Count + 1, _sent, now, RequestBytes, ResponseBytes));
        _responseReceived -= ResponseBytes;
        _stack.Simulation.Schedule(now + _think(), SendRequest);
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
