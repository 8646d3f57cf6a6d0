using NetSim.Reports.Rows;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.SockOps;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.Reports;

/// <summary>
/// Listens to a run's trace sources (connections, sock_ops dispatchers, link queues) and keeps
/// their records as table rows. Connection variables are recorded for the active-open (sending)
/// side of each flow; sock_ops invocations for every socket a program ran on.
/// </summary>
public sealed class RunRecorder : ITcpConnectionObserver
{
    private readonly RecorderOptions _options;

    public RunRecorder(RecorderOptions options) => _options = options;

    public List<TimeseriesRow> Timeseries { get; } = [];
    public List<SockOpsRow> SockOps { get; } = [];

    /// <summary>What programs emitted with bpf_output(), whatever is traced.</summary>
    public List<SockOpsOutputRow> SockOpsOutput { get; } = [];
    public List<EventRow> Events { get; } = [];
    public List<RttRow> Rtt { get; } = [];
    public List<QueueRow> Queue { get; } = [];
    public List<LinkEventRow> LinkEvents { get; } = [];

    public static decimal Seconds(SimTime t) => t.Nanoseconds / 1_000_000_000m;

    public static decimal Milliseconds(SimTime t) => t.Nanoseconds / 1_000_000m;

    public void Attach(TcpStack stack)
    {
        stack.ConnectionCreated = connection => connection.Observer = this;
    }

    public void Attach(SockOpsDispatcher dispatcher)
    {
        dispatcher.Output = output => SockOpsOutput.Add(new SockOpsOutputRow(
            Seconds(output.Time), output.Connection.Name, output.Connection.Stack.Host.Name, OpNames.Of(output.Op), output.Program, output.Record));
        if (_options.SockOps)
        {
            dispatcher.Invoked = Record;
        }
    }

    public void Attach(LinkChannel channel)
    {
        if (_options.Queue)
        {
            channel.QueueLengthChanged = c => Queue.Add(new QueueRow(
                Seconds(c.Simulation.Now), c.Name, c.Queue.Count, c.Queue.Bytes));
            channel.PacketDropped = (c, p, reason) => LinkEvents.Add(LinkEvent(c, p, "drop", reason));
            channel.PacketMarked = (c, p, reason) => LinkEvents.Add(LinkEvent(c, p, "mark", reason));
        }
    }

    private static LinkEventRow LinkEvent(LinkChannel channel, Packet packet, string kind, DropReason reason) => new(
        Seconds(channel.Simulation.Now), channel.Name, kind, EnumText<DropReason>.Of(reason),
        $"{packet.Source}:{packet.SourcePort}", $"{packet.Destination}:{packet.DestinationPort}", packet.SequenceNumber, packet.PayloadLength);

    public void OnStateChanged(TcpConnection connection, TcpState from, TcpState to)
    {
    }

    public void OnVariablesChanged(TcpConnection connection)
    {
        if (!_options.Variables || connection.Listener is not null || connection.State == TcpState.Listen)
        {
            return;
        }

        var mss = connection.Mss;
        var ssthresh = connection.Window.Ssthresh;
        Timeseries.Add(new TimeseriesRow(
            Seconds(connection.Simulation.Now),
            connection.Name,
            (long)connection.Window.Cwnd * mss,
            ssthresh >= Tcp.Congestion.CongestionWindow.InfiniteSsthresh ? null : (long)ssthresh * mss,
            connection.Rtt.HasSample ? connection.Rtt.SrttUs8 / 8_000m : null,
            Milliseconds(connection.Rto),
            connection.BytesInFlight));
    }

    public void OnRetransmission(TcpConnection connection, SequenceNumber start, int length, RetransmissionCause cause) =>
        Events.Add(new EventRow(Seconds(connection.Simulation.Now), connection.Name, connection.Stack.Host.Name,
            "retransmit", start.Value, length, EnumText<RetransmissionCause>.Of(cause)));

    public void OnRetransmissionTimeout(TcpConnection connection, int retransmits) =>
        Events.Add(new EventRow(Seconds(connection.Simulation.Now), connection.Name, connection.Stack.Host.Name,
            "rto", connection.SndUna.Value, null, $"retransmits={retransmits} rto_ms={Milliseconds(connection.Rto)}"));

    public void OnRttSample(TcpConnection connection, SimTime measured)
    {
        if (_options.Rtt)
        {
            Rtt.Add(new RttRow(Seconds(connection.Simulation.Now), connection.Name, connection.Stack.Host.Name,
                Milliseconds(measured), connection.Rtt.SrttUs8 / 8_000m, Milliseconds(connection.Rto)));
        }
    }

    private void Record(SockOpsInvocation invocation)
    {
        var connection = invocation.Connection;
        SockOps.Add(new SockOpsRow(
            Seconds(invocation.Time),
            connection.Name,
            connection.Stack.Host.Name,
            (int)invocation.Op,
            OpNames.Of(invocation.Op),
            $"{invocation.Arg0} {invocation.Arg1} {invocation.Arg2}",
            $"0x{(int)invocation.FlagsBefore:x}",
            invocation.Reply,
            invocation.Result,
            $"0x{(int)invocation.FlagsAfter:x}",
            invocation.IsFullSocket ? 1 : 0,
            invocation.Scope,
            invocation.HelperCalls,
            invocation.Error ?? string.Empty));
    }
}
