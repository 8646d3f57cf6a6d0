using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// The client of a request/response exchange: connects at its start time, writes a request of
/// <see cref="RequestBytes"/>, waits for the whole response of <see cref="ResponseBytes"/>,
/// records the exchange's completion time, thinks for a drawn period, and repeats, over one
/// connection, until <see cref="Requests"/> are done or its stop time; then it closes. With
/// <see cref="FastOpen"/> the first request goes with the connect (sendto(MSG_FASTOPEN)): in
/// the SYN once the host holds the server's cookie, so the exchange saves a round trip.
/// </summary>
public sealed class RequestResponseClient(
    TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name,
    long requestBytes, long responseBytes, PeriodDistribution think, System.Random random)
    : FlowSource(stack, destination, port, settings, name)
{
    private readonly Func<SimTime> _think = think.Sampler(random);
    private readonly List<RequestRecord> _completed = [];
    private long _requestLeft;
    private long _responseReceived;
    private SimTime _sent;

    public long RequestBytes { get; } = requestBytes;

    public long ResponseBytes { get; } = responseBytes;

    /// <summary>Exchanges to make; unbounded by default (until the stop time).</summary>
    public int? Requests { get; init; }

    /// <summary>Opens the connection with TCP Fast Open, the first request offered to the SYN.</summary>
    public bool FastOpen { get; init; }

    /// <summary>The exchanges completed, in order.</summary>
    public IReadOnlyList<RequestRecord> Completed => _completed;

    public override void Install() => Simulation.Schedule(Start, Open);

    private void Open()
    {
        TcpConnection connection;
        if (FastOpen)
        {
            _sent = Simulation.Now;
            connection = ConnectWithData(RequestBytes);
            _requestLeft = RequestBytes - connection.FastOpenCopied;
            _responseReceived = 0;
            connection.Established = _ => WriteRequest();
        }
        else
        {
            connection = Connect();
            connection.Established = _ => SendRequest();
        }

        connection.SendSpaceAvailable = _ => WriteRequest();
        connection.DataReceived = OnResponseData;
        if (Stop != SimTime.Never)
        {
            Simulation.Schedule(Stop, CloseOnce);
        }
    }

    private void SendRequest()
    {
        if (Closed || Simulation.Now >= Stop || (Requests is { } n && _completed.Count >= n))
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
        _completed.Add(new RequestRecord(_completed.Count + 1, _sent, now, RequestBytes, ResponseBytes));
        _responseReceived -= ResponseBytes;
        Simulation.Schedule(now + _think(), SendRequest);
    }
}
