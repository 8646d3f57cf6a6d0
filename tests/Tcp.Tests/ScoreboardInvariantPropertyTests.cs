using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp.Tests;

/// <summary>
/// The sender's scoreboard stays consistent at every change of its variables, whatever the
/// algorithm and loss recovery features, over a lossy, reordering, duplicating path: no count is
/// negative, the segments SACKed and marked lost are among those out (Linux tcp_verify_left_out()),
/// so are those retransmitted, cwnd is at least one segment (tcp_snd_cwnd_set()), and SND.UNA does
/// not pass SND.NXT.
/// </summary>
public class ScoreboardInvariantPropertyTests
{
    [Property(MaxTest = 1000)]
    public Property TheScoreboardStaysConsistent(PositiveInt seed, byte algorithm, byte flags, byte lossPermille, byte reorderPercent, byte duplicatePercent, byte size)
    {
        bool Flag(int bit) => (flags & (1 << bit)) != 0;
        var settings = TcpSettings.Linux with
        {
            Congestion = CongestionControlRegistry.Names[algorithm % CongestionControlRegistry.Names.Count],
            Sack = Flag(0),
            Rack = Flag(1),
            Prr = Flag(2),
            Frto = Flag(3),
            TailLossProbe = Flag(4),
            Timestamps = Flag(5),
            Dsack = Flag(6),
            Ecn = Flag(7) ? 1 : 0,
        };
        var network = new HostileNetwork((ulong)seed.Get, settings, 20, lossPermille % 60 / 1000.0, duplicatePercent % 4 / 100.0, reorderPercent % 8 / 100.0, SimTime.FromMilliseconds(1), 0.002);
        var checker = new ScoreboardChecker();
        network.ClientStack.ConnectionCreated = c => c.Observer = checker;
        var sink = new SinkApplication(network.ServerStack, 80, settings);
        sink.Install();
        var bytes = 1 + (size * 4_000L);
        new BulkSendApplication(network.ClientStack, network.Server.Address, 80, settings, "f") { MaxBytes = bytes }.Install();
        network.Simulation.Run(SimTime.FromSeconds(3600));

        return Prop.Label(checker.Violation is null && sink.BytesReceived == bytes,
            $"{settings.Congestion}, flags {flags:x2}, {bytes} B: {checker.Violation ?? "consistent"}, received {sink.BytesReceived}");
    }

    /// <summary>Checks the scoreboard whenever the connection reports its variables changed; keeps the first violation.</summary>
    private sealed class ScoreboardChecker : ITcpConnectionObserver
    {
        public string? Violation { get; private set; }

        public void OnVariablesChanged(TcpConnection c)
        {
            if (Violation is not null)
            {
                return;
            }

            var wrong = c.SackedOut < 0 || c.LostOut < 0 || c.RetransOut < 0 ? "a negative count"
                : c.SackedOut + c.LostOut > c.PacketsOut ? "SACKed and lost beyond those out"
                : c.RetransOut > c.PacketsOut ? "retransmitted beyond those out"
                : c.Window.Cwnd < 1 ? "cwnd below one segment"
                : c.SndUna > c.SndNxt ? "SND.UNA past SND.NXT"
                : null;
            if (wrong is not null)
            {
                Violation = $"{wrong} at {c.Simulation.Now} in {c.State}: out {c.PacketsOut}, sacked {c.SackedOut}, lost {c.LostOut}, retrans {c.RetransOut}, cwnd {c.Window.Cwnd}";
            }
        }

        public void OnStateChanged(TcpConnection connection, TcpState from, TcpState to)
        {
        }

        public void OnRetransmission(TcpConnection connection, SequenceNumber start, int length, RetransmissionCause cause)
        {
        }

        public void OnRetransmissionTimeout(TcpConnection connection, int retransmits)
        {
        }

        public void OnRttSample(TcpConnection connection, SimTime measured)
        {
        }
    }
}
