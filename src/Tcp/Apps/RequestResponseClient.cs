using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// The client of a request/response exchange: connects at its start time, writes a request of
/// <see cref="RequestBytes"/>, waits for the whole response of <see cref="ResponseBytes"/>,
/// records the exchange's completion time, thinks for a drawn period, and repeats, over one
/// connection, until <see cref="Requests"/> are done or its stop time; then it closes. With
/// <see cref="ConnectionPerRequest"/> each exchange has a connection of its own, which the client
/// closes once the response is in, so its sockets wait out TIME-WAIT holding their 4-tuples (or
/// which the server closes first, with <see cref="ServerCloses"/>, so the server's do); an
/// exchange whose connect() finds no port, or whose connection fails, is a <see cref="Failed"/>
/// one, and the next follows a think period later.
/// With <see cref="FastOpen"/> a request goes with the connect (sendto(MSG_FASTOPEN)): in the SYN
/// once the host holds the server's cookie, so the exchange saves a round trip.
/// </summary>
public sealed class RequestResponseClient(
    TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name,
    long requestBytes, long responseBytes, PeriodDistribution think, System.Random random)
    : FlowSource(stack, destination, port, settings, name), IRequestClient
{
    private readonly Func<SimTime> _think = think.Sampler(random);
    private readonly List<RequestRecord> _completed = [];
    private readonly List<RequestFailure> _failed = [];
    private long _requestLeft;
    private long _responseReceived;
    private SimTime _sent;
    private bool _stopScheduled;

    /// <summary>With <see cref="ConnectionPerRequest"/>, the connection of the exchange under way.</summary>
    private TcpConnection? _exchange;

    public long RequestBytes { get; } = requestBytes;

    public long ResponseBytes { get; } = responseBytes;

    /// <summary>Exchanges to make, completed or failed; unbounded by default (until the stop time).</summary>
    public int? Requests { get; init; }

    /// <summary>Opens the connection with TCP Fast Open, the first request offered to the SYN.</summary>
    public bool FastOpen { get; init; }

    /// <summary>Each exchange on a connection of its own, closed by the client when the response is in.</summary>
    public bool ConnectionPerRequest { get; init; }

    /// <summary>With <see cref="ConnectionPerRequest"/>, the server closes each connection first and the client follows.</summary>
    public bool ServerCloses { get; init; }

    /// <summary>The exchanges completed, in order.</summary>
    public IReadOnlyList<RequestRecord> Completed => _completed;

    /// <summary>The exchanges that failed, in order.</summary>
    public IReadOnlyList<RequestFailure> Failed => _failed;

    private int Attempted => _completed.Count + _failed.Count;

    private bool Finished => Closed || Simulation.Now >= Stop || (Requests is { } n && Attempted >= n);

    public override void Install() => Simulation.Schedule(Start, Open);

    private void Open()
    {
        // A connection of its own for each exchange, or a retry after connect() found no port: not past the end.
        if (Finished)
        {
            CloseOnce();
            return;
        }

        TcpConnection connection;
        try
        {
            connection = FastOpen ? ConnectWithData(RequestBytes) : Connect();
        }
        catch (AddressNotAvailableException)
        {
            Fail(AddressNotAvailableException.Errno);
            return;
        }

        if (FastOpen)
        {
            _sent = Simulation.Now;
            _requestLeft = RequestBytes - connection.FastOpenCopied;
            _responseReceived = 0;
            connection.Established = _ => WriteRequest();
        }
        else
        {
            connection.Established = _ => SendRequest();
        }

        connection.SendSpaceAvailable = _ => WriteRequest();
        connection.DataReceived = OnResponseData;
        if (ConnectionPerRequest)
        {
            _exchange = connection;
            connection.Closed = OnExchangeClosed;
            if (ServerCloses)
            {
                connection.RemoteClosed = c => c.Close();
            }
        }

        if (Stop != SimTime.Never && !_stopScheduled)
        {
            _stopScheduled = true;
            Simulation.Schedule(Stop, CloseOnce);
        }
    }

    private void SendRequest()
    {
        if (Finished)
        {
            CloseOnce();
            return;
        }

        _sent = Simulation.Now;
        _requestLeft = RequestBytes;
        _responseReceived = 0;
        WriteRequest();
    }

    private void WriteRequest()
    {
        if (!Closed && _requestLeft > 0)
        {
            _requestLeft -= Write(_requestLeft);
        }
    }

    private void OnResponseData(TcpConnection connection, long streamOffset, int bytes)
    {
        _responseReceived += bytes;
        if (_responseReceived < ResponseBytes || _requestLeft > 0)
        {
            return;
        }

        var now = Simulation.Now;
        _completed.Add(new RequestRecord(Attempted + 1, _sent, now, RequestBytes, ResponseBytes));
        _responseReceived -= ResponseBytes;
        if (ConnectionPerRequest)
        {
            _exchange = null;
            if (!ServerCloses)
            {
                connection.Close();
            }

            Simulation.Schedule(now + _think(), Open);
        }
        else
        {
            Simulation.Schedule(now + _think(), SendRequest);
        }
    }

    /// <summary>A connection of its own closed before its exchange completed: the exchange failed with the connection's error.</summary>
    private void OnExchangeClosed(TcpConnection connection)
    {
        if (_exchange == connection && !Closed)
        {
            _exchange = null;
            Fail(connection.Error ?? "ECONNABORTED");
        }
    }

    private void Fail(string error)
    {
        _failed.Add(new RequestFailure(Attempted + 1, Simulation.Now, error));
        Simulation.Schedule(Simulation.Now + _think(), Open);
    }
}
