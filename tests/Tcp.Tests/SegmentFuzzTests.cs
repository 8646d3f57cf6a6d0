using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Fuzzing each state: random segments (any flags, sequence and acknowledgment numbers near and
/// far from the window, any window, options and SACK blocks) fed to a connection in every RFC
/// 9293 state must never throw nor break the TCB's invariants (RFC 9293 §3.10.7: drop, ACK or
/// RST, nothing else), and the connection's timers must run on without fault afterwards.
/// </summary>
public class SegmentFuzzTests
{
    public static TheoryData<TcpState> States() =>
    [
        TcpState.Listen, TcpState.SynSent, TcpState.SynReceived, TcpState.Established, TcpState.FinWait1,
        TcpState.FinWait2, TcpState.CloseWait, TcpState.Closing, TcpState.LastAck, TcpState.TimeWait,
    ];

    [Theory]
    [MemberData(nameof(States))]
    public void RandomSegmentsInEachStateNeverThrowNorBreakTheInvariants(TcpState state)
    {
        Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed => FuzzOnce(state, seed))
            .QuickCheckThrowOnFailure();
    }

    private static Property FuzzOnce(TcpState state, int seed)
    {
        var (net, target) = Reach(state);
        Assert.Equal(state, target.State);
        var random = new System.Random(seed);
        var problems = new List<string>();
        for (var i = 0; i < 40 && target.State != TcpState.Closed; i++)
        {
            var segment = RandomSegment(net, target, random);
            var text = segment.ToString();
            target.OnSegment(segment);
            net.Network.Pool.Return(segment);
            if (Broken(target) is { } problem)
            {
                problems.Add($"after {text}: {problem}");
                break;
            }
        }

        net.Simulation.Run(net.Simulation.Now + SimTime.FromSeconds(300));
        if (Broken(target) is { } late)
        {
            problems.Add($"after the timers ran: {late}");
        }

        return Prop.Label(problems.Count == 0, string.Join("; ", problems));
    }

    private static string? Broken(TcpConnection c)
    {
        if (c.State is TcpState.Listen)
        {
            return null;
        }

        if (c.SndUna > c.SndNxt)
        {
            return $"SND.UNA {c.SndUna} beyond SND.NXT {c.SndNxt}";
        }

        if (c.LostOut > c.PacketsOut || c.SackedOut > c.PacketsOut || c.RetransOut > c.LostOut + c.PacketsOut || c.PacketsInFlight < 0)
        {
            return $"scoreboard: packets {c.PacketsOut}, sacked {c.SackedOut}, lost {c.LostOut}, retrans {c.RetransOut}";
        }

        return c.Statistics.IntegrityErrors > 0 ? "data accepted at the wrong stream offset" : null;
    }

    private static Packet RandomSegment(TwoHostNetwork net, TcpConnection target, System.Random random)
    {
        var packet = net.Network.Pool.Rent();
        packet.Source = target.RemoteAddress;
        packet.Destination = target.LocalAddress;
        packet.SourcePort = target.RemotePort;
        packet.DestinationPort = target.LocalPort;
        packet.Flags = (TcpFlags)random.Next(256);
        packet.SequenceNumber = Near(target.RcvNxt, random);
        packet.AcknowledgmentNumber = Near(target.SndUna, random);
        packet.Window = (ushort)random.Next(65536);
        packet.PayloadLength = random.Next(4) == 0 ? random.Next(1, 1461) : 0;

        // A consistent stream offset, so that data the connection accepts passes its integrity check.
        packet.StreamOffset = unchecked((long)(uint)(packet.SequenceNumber - target.Irs.Value - 1));
        if (random.Next(3) == 0)
        {
            packet.MssOption = (ushort)random.Next(65536);
            packet.WindowScaleOption = (sbyte)random.Next(-1, 20);
            packet.SackPermitted = random.Next(2) == 0;
        }

        if (random.Next(2) == 0)
        {
            packet.HasTimestamps = true;
            packet.TsVal = (uint)random.NextInt64(uint.MaxValue);
            packet.TsEcr = (uint)random.NextInt64(uint.MaxValue);
        }

        for (var blocks = random.Next(5); blocks > 0; blocks--)
        {
            var start = Near(target.SndUna, random);
            packet.AddSackBlock(new SackBlock(start, (uint)(start + random.Next(-3000, 6000))));
        }

        return packet;
    }

    /// <summary>Usually within a few segments of <paramref name="anchor"/>, sometimes anywhere in the 32-bit space.</summary>
    private static uint Near(SequenceNumber anchor, System.Random random) => random.Next(5) == 0
        ? (uint)random.NextInt64(uint.MaxValue + 1L)
        : unchecked(anchor.Value + (uint)random.Next(-5000, 70000));

    /// <summary>Drives a client and server, over a 20 ms link, until the server's connection is in <paramref name="state"/>.</summary>
    private static (TwoHostNetwork Net, TcpConnection Target) Reach(TcpState state)
    {
        var net = new TwoHostNetwork(delayMs: 20);
        TcpConnection? serverSide = null;
        var listener = net.ServerStack.Listen(80);
        listener.Accepted = c => serverSide = c;
        if (state == TcpState.Listen)
        {
            return (net, listener);
        }

        if (state == TcpState.SynSent)
        {
            return (net, net.ServerStack.Connect(net.Client.Address, 9));
        }

        TcpConnection? request = null;
        net.ServerStack.ConnectionCreated = c => request ??= c;
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        Run(net, 30);
        if (state == TcpState.SynReceived)
        {
            return (net, request!);
        }

        Run(net, 100);
        var server = serverSide!;
        switch (state)
        {
            case TcpState.FinWait1:
                server.Close();
                Run(net, 1);
                break;
            case TcpState.FinWait2:
                server.Shutdown();
                Run(net, 100);
                break;
            case TcpState.CloseWait:
                client.Close();
                Run(net, 100);
                break;
            case TcpState.LastAck:
                client.Close();
                Run(net, 100);
                server.Close();
                Run(net, 1);
                break;
            case TcpState.Closing:
                server.Close();
                client.Close();
                Run(net, 30);
                break;
            case TcpState.TimeWait:
                server.Close();
                Run(net, 30);
                client.Close();
                Run(net, 100);
                break;
        }

        return (net, server);
    }

    private static void Run(TwoHostNetwork net, int milliseconds) =>
        net.Simulation.Run(net.Simulation.Now + SimTime.FromMilliseconds(milliseconds));
}
