using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.FastOpen;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Whatever an application does with its socket, and whenever: writes, reads, shutdown() of
/// either direction or both, close() (with data unread or not, with a zero linger time or not),
/// connecting again after a close,
/// on each end at random moments of a lossy, reordering, duplicating path, with any algorithm,
/// with or without SACK, timestamps, window scaling, loss probes, delayed ACKs, keepalives,
/// Fast Open and SYN cookies, any ECN mode, and a FIN-WAIT-2 time below or above TIME-WAIT's, the run goes on without error, no byte arrives damaged or that was not
/// sent, and once both applications have closed, both ends and every timer of theirs are gone
/// within an hour: FIN-WAIT-2 and TIME-WAIT run out, a FIN or RST lost on the way is
/// retransmitted or its peer's state times out, and the TIME-WAIT count is back to zero; and no
/// connection moved between two states the state diagram does not join.
/// </summary>
public class ConnectionLifecyclePropertyTests
{
    private static readonly SimTime End = SimTime.FromSeconds(3600);

    /// <summary>Fast Open on both ends, data in the SYN taken without a cookie (tcp_fastopen 0x607).</summary>
    private const FastOpenMode FastOpenWithoutCookies = FastOpenMode.ClientEnable | FastOpenMode.ClientNoCookie | FastOpenMode.ServerEnable
        | FastOpenMode.ServerCookieNotRequired | FastOpenMode.ServerWithoutSocketOption;

    /// <summary>
    /// RFC 9293 §3.3.2's state diagram as Linux walks it (tcp_set_state()): the request's
    /// SYN-RECEIVED is where a passive child starts; a FIN arriving with the ACK of ours goes
    /// from FIN-WAIT-1 straight to TIME-WAIT; a Fast Open child may get the FIN in SYN-RECEIVED;
    /// a reset or abort closes from any synchronized state.
    /// </summary>
    private static readonly HashSet<(TcpState From, TcpState To)> LegalTransitions =
    [
        (TcpState.Closed, TcpState.SynSent), (TcpState.Closed, TcpState.Listen), (TcpState.Listen, TcpState.Closed),
        (TcpState.SynSent, TcpState.Established), (TcpState.SynSent, TcpState.SynReceived), (TcpState.SynSent, TcpState.Closed),
        (TcpState.SynReceived, TcpState.Established), (TcpState.SynReceived, TcpState.FinWait1), (TcpState.SynReceived, TcpState.CloseWait),
        (TcpState.SynReceived, TcpState.Closed),
        (TcpState.Established, TcpState.FinWait1), (TcpState.Established, TcpState.CloseWait), (TcpState.Established, TcpState.Closed),
        (TcpState.FinWait1, TcpState.FinWait2), (TcpState.FinWait1, TcpState.Closing), (TcpState.FinWait1, TcpState.TimeWait), (TcpState.FinWait1, TcpState.Closed),
        (TcpState.FinWait2, TcpState.TimeWait), (TcpState.FinWait2, TcpState.Closed),
        (TcpState.CloseWait, TcpState.LastAck), (TcpState.CloseWait, TcpState.Closed),
        (TcpState.Closing, TcpState.TimeWait), (TcpState.Closing, TcpState.Closed),
        (TcpState.LastAck, TcpState.Closed), (TcpState.TimeWait, TcpState.Closed),
    ];

    [Property(MaxTest = 5000)]
    public Property AnyOrderOfSocketCallsEndsWithBothEndsGone(PositiveInt seed, byte[] clientCalls, byte[] serverCalls, byte algorithm, byte options, byte extras, byte lossPermille, byte reorderPercent)
    {
        var (passed, label) = Run(seed.Get, clientCalls, serverCalls, algorithm, options, extras, lossPermille, reorderPercent);
        return Prop.Label(passed, label);
    }

    private static (bool Passed, string Label) Run(int seed, byte[] clientCalls, byte[] serverCalls, byte algorithm, byte options, byte extras, byte lossPermille, byte reorderPercent)
    {
        var settings = TcpSettings.Linux with
        {
            Congestion = CongestionControlRegistry.Names[algorithm % CongestionControlRegistry.Names.Count],
            ReceiveBuffer = 32 * 1024,
            Sack = (options & 1) != 0,
            Timestamps = (options & 2) != 0,
            TailLossProbe = (options & 4) != 0,
            Ecn = (options >> 3) % 4 == 3 ? 3 : (options >> 3) % 3,
            FinTimeout = SimTime.FromSeconds((options & 32) != 0 ? 120 : 60),
            FastOpen = (extras & 1) != 0 ? FastOpenWithoutCookies : FastOpenMode.ClientEnable,
            SynCookies = (extras & 2) != 0 ? 2 : 1,
            KeepAlive = (extras & 4) != 0,
            KeepAliveTime = SimTime.FromSeconds(5),
            KeepAliveInterval = SimTime.FromSeconds(1),
            KeepAliveProbes = 3,
            WindowScaling = (extras & 8) == 0,
            AckEverySegment = (extras & 16) != 0,
        };
        var network = new HostileNetwork((ulong)seed, settings, 20, lossPermille % 50 / 1000.0, 0.01, reorderPercent % 6 / 100.0, SimTime.FromMilliseconds(1), 0.005);
        var simulation = network.Simulation;
        var states = new StateRecorder();
        states.Attach(network.ClientStack);
        states.Attach(network.ServerStack);
        var listener = network.ServerStack.Listen(80);
        listener.ReadsOnArrival = false;
        var server = new SocketUser();
        listener.Accepted = server.Take;
        var client = new SocketUser();
        client.Reconnect = () =>
        {
            var connection = (extras & 1) != 0
                ? network.ClientStack.ConnectWithData(network.Server.Address, 80, 1_000)
                : network.ClientStack.Connect(network.Server.Address, 80);
            connection.ReadsOnArrival = false;
            client.Take(connection);
            client.Wrote(connection.FastOpenCopied);
        };
        client.Reconnect();

        var lastCall = SimTime.Max(client.Schedule(simulation, clientCalls), server.Schedule(simulation, serverCalls));
        simulation.Run(lastCall);
        client.CloseAll();
        server.CloseAll();
        listener.Close();
        simulation.Run(lastCall + End);

        var ends = client.Connections.Concat(server.Connections).ToList();
        var gone = ends.All(c => c.State == TcpState.Closed) && !network.ClientStack.Connections.Any() && !network.ServerStack.Connections.Any()
            && network.ClientStack.TimeWaitSockets == 0 && network.ServerStack.TimeWaitSockets == 0;
        // The byte checks hold while each client connection has one server connection. A server
        // may accept a second for the same client connection (port), as Linux's would: a SYN cookie reopens it mid-stream (a segment whose
        // sequence and acknowledgment numbers moved on by as much, which check_tcp_syn_cookie()
        // validates), taking both streams from there; or a Fast Open child the server read and
        // reset before its SYN-ACK arrived leaves the client to send the SYN again, and the data
        // once more (RFC 7413 §6.1: SYN data may be delivered twice).
        var reopened = server.Connections.GroupBy(c => c.RemotePort).Any(g => g.Count() > 1);
        var intact = reopened
            || (ends.All(c => c.Statistics.IntegrityErrors == 0) && client.BytesRead <= server.BytesWritten && server.BytesRead <= client.BytesWritten);
        var illegal = states.States.Where(t => !LegalTransitions.Contains((t.From, t.To))).ToList();
        return (gone && intact && simulation.PendingEvents == 0 && illegal.Count == 0,
            $"seed {seed}, {settings.Congestion}, options {options}, extras {extras}, loss {lossPermille % 50}‰, reorder {reorderPercent % 6}%, client calls [{string.Join(",", clientCalls)}], server calls [{string.Join(",", serverCalls)}]: "
            + $"client {string.Join("/", client.Connections.Select(c => c.State))} read {client.BytesRead} of {server.BytesWritten}, server {string.Join("/", server.Connections.Select(c => c.State))} read {server.BytesRead} of {client.BytesWritten}, "
            + $"{simulation.PendingEvents} events pending, left: {string.Join("; ", network.ClientStack.Connections.Concat(network.ServerStack.Connections))}, "
            + $"TIME-WAIT {network.ClientStack.TimeWaitSockets} and {network.ServerStack.TimeWaitSockets}, "
            + $"integrity errors {string.Join("/", ends.Select(c => c.Statistics.IntegrityErrors))}, "
            + $"illegal transitions {string.Join(", ", illegal.Select(t => $"{t.Host} {t.From}->{t.To} at {t.At}"))}");
    }

    /// <summary>
    /// One end's application: the calls drawn for it, made on its latest connection while it has
    /// one. A server may accept again after closing: a data segment that a SYN cookie still
    /// validates opens a new connection (cookie_v4_check()), which it closes at the end too.
    /// </summary>
    private sealed class SocketUser
    {
        private readonly List<TcpConnection> _connections = [];
        private readonly HashSet<TcpConnection> _closed = [];

        public IReadOnlyList<TcpConnection> Connections => _connections;

        public TcpConnection? Connection => _connections.Count > 0 ? _connections[^1] : null;

        public long BytesWritten { get; private set; }

        public long BytesRead { get; private set; }

        public void Take(TcpConnection connection) => _connections.Add(connection);

        /// <summary>The client's connect(), with data in the SYN when Fast Open is on; null for the server.</summary>
        public Action? Reconnect { get; set; }

        /// <summary>Counts bytes a connect with data took into its SYN.</summary>
        public void Wrote(long bytes) => BytesWritten += bytes;

        /// <summary>close() on every connection not closed yet.</summary>
        public void CloseAll()
        {
            foreach (var connection in _connections)
            {
                Close(connection);
            }
        }

        /// <summary>Each byte a call (its low four bits) after a pause (the high four, in 40 ms steps); returns when the last is made.</summary>
        public SimTime Schedule(Simulation simulation, byte[] calls)
        {
            var at = SimTime.Zero;
            foreach (var call in calls)
            {
                at += SimTime.FromMilliseconds(40 * (call >> 4));
                simulation.Schedule(at, () => Make(call & 15));
            }

            return at;
        }

        /// <summary>Writes most often, small and large; reads; a shutdown of each kind; and rarely a close, plain or with a zero linger time.</summary>
        private void Make(int call)
        {
            // A client that has closed connects again when it would write.
            if ((Connection is null || _closed.Contains(Connection)) && call <= 6 && Reconnect is { } reconnect)
            {
                reconnect();
            }

            if (Connection is not { } c || _closed.Contains(c))
            {
                return;
            }

            switch (call)
            {
                case <= 6 when MayWrite(c):
                    BytesWritten += c.Write(call <= 3 ? 1_000 : 60_000);
                    break;
                case >= 7 and <= 10:
                    BytesRead += c.Read(long.MaxValue);
                    break;
                case 11:
                    c.Shutdown(SocketShutdown.Send);
                    break;
                case 12:
                    c.Shutdown(SocketShutdown.Receive);
                    break;
                case 13:
                    c.Shutdown(SocketShutdown.Both);
                    break;
                case 14:
                    Close(c);
                    break;
                case 15:
                    c.SetLinger(1, 0);
                    Close(c);
                    break;
            }
        }

        /// <summary>send(): only while sending is not shut and the state takes data (EPIPE otherwise).</summary>
        private static bool MayWrite(TcpConnection c) =>
            !c.SendShutDown && c.State is TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived;

        private void Close(TcpConnection connection)
        {
            if (_closed.Add(connection))
            {
                connection.Close();
            }
        }
    }
}
