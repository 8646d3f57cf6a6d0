using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.FastOpen;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// STATE_CB as tcp_set_state() makes it, whatever the applications do and whenever (writes,
/// reads, shutdown(), close() with or without a zero linger time) over a lossy, reordering
/// path, with Fast Open children and SYN cookies or without, with a program that sets STATE_CB_FLAG at LISTEN, CONNECT and both ESTABLISHED
/// callbacks: each callback runs on a full socket before the new state is stored (ctx.state is
/// args[0]); each socket's callbacks chain, one's new state the next one's old; every move is
/// one RFC 9293's diagram allows, a hand-off to a timewait socket reporting CLOSE; and once the
/// applications have closed, every socket's last callback took it to CLOSE.
/// </summary>
public class StateCallbackPropertyTests
{
    private static readonly HashSet<(uint From, uint To)> LegalMoves = new[]
    {
        (TcpState.SynSent, TcpState.Established), (TcpState.SynSent, TcpState.SynReceived), (TcpState.SynSent, TcpState.Closed),
        (TcpState.SynReceived, TcpState.Established), (TcpState.SynReceived, TcpState.FinWait1), (TcpState.SynReceived, TcpState.CloseWait),
        (TcpState.SynReceived, TcpState.Closed),
        (TcpState.Established, TcpState.FinWait1), (TcpState.Established, TcpState.CloseWait), (TcpState.Established, TcpState.Closed),
        (TcpState.FinWait1, TcpState.FinWait2), (TcpState.FinWait1, TcpState.Closing), (TcpState.FinWait1, TcpState.Closed),
        (TcpState.FinWait2, TcpState.Closed), (TcpState.CloseWait, TcpState.LastAck), (TcpState.CloseWait, TcpState.Closed),
        (TcpState.Closing, TcpState.Closed), (TcpState.LastAck, TcpState.Closed), (TcpState.Listen, TcpState.Closed),
    }.Select(m => ((uint)m.Item1, (uint)m.Item2)).ToHashSet();

    /// <summary>Fast Open on both ends, data in the SYN taken without a cookie (tcp_fastopen 0x607).</summary>
    private const FastOpenMode FastOpenWithoutCookies = FastOpenMode.ClientEnable | FastOpenMode.ClientNoCookie | FastOpenMode.ServerEnable
        | FastOpenMode.ServerCookieNotRequired | FastOpenMode.ServerWithoutSocketOption;

    [Property(MaxTest = 2000)]
    public Property StateCallbacksFollowTheStateDiagram(PositiveInt seed, byte[] clientCalls, byte[] serverCalls, byte extras, byte lossPermille, byte reorderPercent)
    {
        var settings = TcpSettings.Linux with
        {
            ReceiveBuffer = 32 * 1024,
            FastOpen = (extras & 1) != 0 ? FastOpenWithoutCookies : FastOpenMode.ClientEnable,
            SynCookies = (extras & 2) != 0 ? 2 : 1,
        };
        var path = new LossyPath((ulong)seed.Get, settings, 20, lossPermille % 50 / 1000.0, reorderPercent % 6 / 100.0);
        var simulation = path.Simulation;
        var callbacks = new List<(string Socket, uint State, uint From, uint To, uint FullSocket)>();
        RecordingProgram Recorder(string host) => new(SockOpsCallbackFlags.State)
        {
            OnRun = skops =>
            {
                if (skops.Op == SockOp.StateCb)
                {
                    var socket = $"{host}:{skops.local_port}<-{System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(skops.remote_port)}";
                    callbacks.Add((socket, skops.state, skops.args[0], skops.args[1], skops.is_fullsock));
                }

                return 1;
            },
        };
        path.ClientPrograms.Attach(Recorder("client"));
        path.ServerPrograms.Attach(Recorder("server"));

        var listener = path.ServerStack.Listen(80);
        var server = new List<TcpConnection>();
        listener.Accepted = server.Add;
        var client = (extras & 1) != 0
            ? path.ClientStack.ConnectWithData(path.Server.Address, 80, 1_000)
            : path.ClientStack.Connect(path.Server.Address, 80);
        var last = SimTime.Max(Schedule(simulation, clientCalls, () => client), Schedule(simulation, serverCalls, () => server.LastOrDefault()));
        simulation.Run(last);
        foreach (var connection in server.Prepend(client).Where(c => !c.IsOrphaned))
        {
            connection.Close();
        }

        listener.Close();
        simulation.Run(last + SimTime.FromSeconds(3600));

        var wrong = callbacks.Where(c => c.FullSocket != 1 || c.State != c.From || !LegalMoves.Contains((c.From, c.To))).ToList();
        var broken = callbacks.GroupBy(c => c.Socket)
            .Where(g => g.Zip(g.Skip(1)).Any(p => p.First.To != p.Second.From && p.First.To != (uint)TcpState.Closed) || g.Last().To != (uint)TcpState.Closed)
            .Select(g => $"{g.Key}: {string.Join(" ", g.Select(c => $"{c.From}->{c.To}"))}")
            .ToList();
        return Prop.Label(wrong.Count == 0 && broken.Count == 0,
            $"extras {extras}, client calls [{string.Join(",", clientCalls)}], server calls [{string.Join(",", serverCalls)}]: "
            + $"wrong {string.Join(", ", wrong)}; sequences {string.Join("; ", broken)}");
    }

    /// <summary>Each byte a call (its low three bits) after a pause (the rest, in 20 ms steps) on the end's latest connection; returns when the last is made.</summary>
    private static SimTime Schedule(Simulation simulation, byte[] calls, Func<TcpConnection?> connection)
    {
        var at = SimTime.Zero;
        foreach (var call in calls)
        {
            at += SimTime.FromMilliseconds(20 * (call >> 3));
            simulation.Schedule(at, () => Make(connection(), call & 7));
        }

        return at;
    }

    private static void Make(TcpConnection? c, int call)
    {
        if (c is null || c.IsOrphaned)
        {
            return;
        }

        var writable = !c.SendShutDown && c.State is TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived;
        switch (call)
        {
            case <= 2 when writable:
                c.Write(call == 0 ? 1_000 : 20_000);
                break;
            case 3:
                c.Shutdown(SocketShutdown.Send);
                break;
            case 4:
                c.Shutdown(SocketShutdown.Both);
                break;
            case 5:
                c.Read(long.MaxValue);
                break;
            case 6:
                c.Close();
                break;
            case 7:
                c.SetLinger(1, 0);
                c.Close();
                break;
        }
    }
}
