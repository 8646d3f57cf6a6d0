using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Whatever an application does with its socket, and whenever: writes, reads, shutdown() of
/// either direction or both, close() (with data unread or not, with a zero linger time or not),
/// on each end at random moments of a lossy, reordering, duplicating path, with any algorithm,
/// with or without SACK, timestamps and loss probes, any ECN mode, and a FIN-WAIT-2 time below
/// or above TIME-WAIT's, the run goes on without error, no byte arrives damaged or that was not
/// sent, and once both applications have closed, both ends and every timer of theirs are gone
/// within an hour: FIN-WAIT-2 and TIME-WAIT run out, a FIN or RST lost on the way is
/// retransmitted or its peer's state times out, and the TIME-WAIT count is back to zero.
/// </summary>
public class ConnectionLifecyclePropertyTests
{
    private static readonly SimTime End = SimTime.FromSeconds(3600);

    [Property(MaxTest = 3000)]
    public Property AnyOrderOfSocketCallsEndsWithBothEndsGone(PositiveInt seed, byte[] clientCalls, byte[] serverCalls, byte algorithm, byte options, byte lossPermille, byte reorderPercent)
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
        };
        var network = new HostileNetwork((ulong)seed.Get, settings, 20, lossPermille % 50 / 1000.0, 0.01, reorderPercent % 6 / 100.0, SimTime.FromMilliseconds(1), 0.005);
        var simulation = network.Simulation;
        var listener = network.ServerStack.Listen(80);
        listener.ReadsOnArrival = false;
        var server = new SocketUser();
        listener.Accepted = c => server.Connection = c;
        var client = new SocketUser { Connection = network.ClientStack.Connect(network.Server.Address, 80) };
        client.Connection.ReadsOnArrival = false;

        var lastCall = SimTime.Max(client.Schedule(simulation, clientCalls), server.Schedule(simulation, serverCalls));
        simulation.Run(lastCall);
        client.Close();
        server.Close();
        listener.Close();
        simulation.Run(lastCall + End);

        var ends = new[] { client.Connection, server.Connection }.OfType<TcpConnection>().ToList();
        var gone = ends.All(c => c.State == TcpState.Closed) && !network.ClientStack.Connections.Any() && !network.ServerStack.Connections.Any()
            && network.ClientStack.TimeWaitSockets == 0 && network.ServerStack.TimeWaitSockets == 0;
        var intact = ends.All(c => c.Statistics.IntegrityErrors == 0)
            && client.BytesRead <= server.BytesWritten && server.BytesRead <= client.BytesWritten;
        return Prop.Label(gone && intact && simulation.PendingEvents == 0,
            $"seed {seed.Get}, {settings.Congestion}, options {options}, loss {lossPermille % 50}‰, reorder {reorderPercent % 6}%, client calls [{string.Join(",", clientCalls)}], server calls [{string.Join(",", serverCalls)}]: "
            + $"client {client.Connection?.State} read {client.BytesRead} of {server.BytesWritten}, server {server.Connection?.State} read {server.BytesRead} of {client.BytesWritten}, "
            + $"{simulation.PendingEvents} events pending, left: {string.Join("; ", network.ClientStack.Connections.Concat(network.ServerStack.Connections))}, "
            + $"TIME-WAIT {network.ClientStack.TimeWaitSockets} and {network.ServerStack.TimeWaitSockets}");
    }

    /// <summary>One end's application: the calls drawn for it, made on its connection while it has one.</summary>
    private sealed class SocketUser
    {
        public TcpConnection? Connection { get; set; }

        public long BytesWritten { get; private set; }

        public long BytesRead { get; private set; }

        private bool _closed;

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
            if (Connection is not { } c || _closed)
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
                    Close();
                    break;
                case 15:
                    c.SetLinger(1, 0);
                    Close();
                    break;
            }
        }

        /// <summary>send(): only while sending is not shut and the state takes data (EPIPE otherwise).</summary>
        private static bool MayWrite(TcpConnection c) =>
            (c.ShutdownState & SocketShutdown.Send) == 0 && c.State is TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived;

        public void Close()
        {
            if (Connection is { } c && !_closed)
            {
                _closed = true;
                c.Close();
            }
        }
    }
}
