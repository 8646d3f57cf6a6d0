using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.FastOpen;
using NetSim.Tcp.Hooks;
using TestOption = NetSim.SockOps.Tests.TcpHdrOptionsProgram.TestOption;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The kernel selftest tools/testing/selftests/bpf/prog_tests/tcp_hdr_options.c, subtests
/// simple_estab, no_exprm_estab, syncookie_estab, fastopen_estab and fin, with its program
/// (<see cref="TcpHdrOptionsProgram"/>) attached to both ends: connect, accept, shut down each side
/// and read the other's EOF; then each side's storage, the options each read and the flags the
/// accepted socket inherited must be what the selftest expects of Linux, and the program must
/// never have failed.
/// </summary>
public class TcpHdrOptionsSelftestTests
{
    private const byte Rand = TcpHdrOptionsProgram.OptionRand;
    private const byte MaxDelackMs = TcpHdrOptionsProgram.OptionMaxDelackMs;
    private const byte Resend = TcpHdrOptionsProgram.OptionResend;

    private static readonly TestOption PassiveEstabIn = new(Rand | MaxDelackMs, 11, 0xfa);
    private static readonly TestOption ActiveEstabIn = new(Rand | MaxDelackMs, 22, 0xce);

    private sealed record Outcome(TcpHdrOptionsProgram Program, TcpConnection Active, TcpConnection Passive);

    /// <summary>sk_fds_connect() then check_hdr_and_close_fds()'s sk_fds_shutdown(), over the loopback.</summary>
    private static Outcome Exchange(TcpHdrOptionsProgram program, TcpSettings settings, bool fastOpen = false)
    {
        var net = new Loopback(settings: settings);
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(program);
        var listener = net.ServerStack.Listen(80);
        TcpConnection? passive = null;
        var activeEof = false;
        var shutDown = false;
        var active = fastOpen
            ? net.ClientStack.ConnectWithData(net.Server.Address, 80, "FAST!!!\0".Length)
            : net.ClientStack.Connect(net.Server.Address, 80);

        // shutdown(active_fd, SHUT_WR) once connect() and accept() have returned (and, with Fast
        // Open, the SYN's data has been read); the passive side shuts down on reading EOF.
        void ShutDownActive()
        {
            var dataRead = !fastOpen || passive?.Statistics.BytesDelivered == 8;
            if (!shutDown && passive is not null && dataRead && active.State == TcpState.Established)
            {
                shutDown = true;
                net.Then(active.Shutdown);
            }
        }

        listener.Accepted = child =>
        {
            passive = child;
            child.DataReceived = (_, _, _) => ShutDownActive();
            child.RemoteClosed = c => net.Then(c.Shutdown);
            ShutDownActive();
        };
        active.Established = _ => ShutDownActive();
        active.RemoteClosed = _ => activeEof = true;

        net.Simulation.Run(SimTime.FromSeconds(2));

        Assert.True(activeEof, "the active side read EOF");
        return new Outcome(program, active, passive!);
    }

    private static TcpHdrOptionsProgram Prepared(TestOption passiveEstabIn, TestOption activeEstabIn, TestOption passiveFinIn = default, TestOption activeFinIn = default) => new()
    {
        // prepare_out(): what each side writes is what the other is expected to read.
        ActiveSynOut = passiveEstabIn,
        PassiveSynAckOut = activeEstabIn with { Flags = (byte)(activeEstabIn.Flags & ~Resend) },
        ActiveFinOut = passiveFinIn,
        PassiveFinOut = activeFinIn,
    };

    private static void CheckHdrAndCloseFds(Outcome outcome, TestOption passiveEstabIn, TestOption activeEstabIn,
        (bool Syncookie, bool FastOpen) passiveStorage = default, bool resendSyn = false, TestOption passiveFinIn = default, TestOption activeFinIn = default)
    {
        var program = outcome.Program;
        Assert.Empty(program.Errors);
        Assert.Equal(SockOpsCallbackFlags.ParseUnknownHdrOpt | SockOpsCallbackFlags.WriteHdrOpt | SockOpsCallbackFlags.State, program.InheritCbFlags);

        var passive = program.StorageOf(outcome.Passive)!;
        var active = program.StorageOf(outcome.Active)!;
        Assert.Equal((false, false, passiveStorage.Syncookie, passiveStorage.FastOpen), (passive.Active, passive.ResendSyn, passive.Syncookie, passive.FastOpen));
        Assert.Equal((true, resendSyn, false, false), (active.Active, active.ResendSyn, active.Syncookie, active.FastOpen));

        Assert.Equal(passiveEstabIn, program.PassiveEstabIn);
        Assert.Equal(activeEstabIn, program.ActiveEstabIn);
        Assert.Equal(passiveFinIn, program.PassiveFinIn);
        Assert.Equal(activeFinIn, program.ActiveFinIn);
    }

    [Fact]
    public void SimpleEstab()
    {
        var outcome = Exchange(Prepared(PassiveEstabIn, ActiveEstabIn), TcpSettings.Linux);

        CheckHdrAndCloseFds(outcome, PassiveEstabIn, ActiveEstabIn);

        // Each side asked for the peer's delayed-ACK bound as its minimum RTO, and set its own.
        Assert.Equal((SimTime.FromMilliseconds(22), SimTime.FromMilliseconds(11)), (outcome.Active.Settings.MinRto, outcome.Active.DelayedAckMax));
        Assert.Equal((SimTime.FromMilliseconds(11), SimTime.FromMilliseconds(22)), (outcome.Passive.Settings.MinRto, outcome.Passive.DelayedAckMax));
    }

    [Fact]
    public void NoExprmEstab()
    {
        var program = Prepared(PassiveEstabIn, ActiveEstabIn);
        program.TestKind = 0xB9;
        program.TestMagic = 0;

        CheckHdrAndCloseFds(Exchange(program, TcpSettings.Linux), PassiveEstabIn, ActiveEstabIn);
    }

    [Fact]
    public void SyncookieEstab()
    {
        var activeEstabIn = ActiveEstabIn with { Flags = Rand | MaxDelackMs | Resend };

        var outcome = Exchange(Prepared(PassiveEstabIn, activeEstabIn), TcpSettings.Linux with { SynCookies = 2 });

        CheckHdrAndCloseFds(outcome, PassiveEstabIn, activeEstabIn, passiveStorage: (Syncookie: true, FastOpen: false), resendSyn: true);
    }

    [Fact]
    public void FastopenEstab()
    {
        // tcp_fastopen = 1543: client and server on, no cookie needed on either side, every listener.
        var settings = TcpSettings.Linux with
        {
            FastOpen = FastOpenMode.ClientEnable | FastOpenMode.ServerEnable | FastOpenMode.ClientNoCookie
                | FastOpenMode.ServerCookieNotRequired | FastOpenMode.ServerWithoutSocketOption,
        };

        var outcome = Exchange(Prepared(PassiveEstabIn, ActiveEstabIn), settings, fastOpen: true);

        CheckHdrAndCloseFds(outcome, PassiveEstabIn, ActiveEstabIn, passiveStorage: (Syncookie: false, FastOpen: true));
    }

    [Fact]
    public void Fin()
    {
        var passiveFinIn = new TestOption(Rand, 0, 0xfa);
        var activeFinIn = new TestOption(Rand, 0, 0xce);

        var outcome = Exchange(Prepared(default, default, passiveFinIn, activeFinIn), TcpSettings.Linux);

        CheckHdrAndCloseFds(outcome, default, default, passiveFinIn: passiveFinIn, activeFinIn: activeFinIn);
    }

    /// <summary>
    /// Subtest misc, with its own program (<see cref="MiscTcpHdrOptionsProgram"/>): two 8-byte
    /// messages, each sent with MSG_EOR (so that no skb combines them) and read, then both sides
    /// shut down. The passive side saw the active side's options in one SYN, two data segments, one
    /// FIN and one or two pure ACKs (the last may be delayed), and the program never failed.
    /// </summary>
    [Fact]
    public void Misc()
    {
        var net = new Loopback();
        var program = new MiscTcpHdrOptionsProgram(net.Client.Address.Value, net.Server.Address.Value);
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(program);
        var listener = net.ServerStack.Listen(80);
        var active = net.ClientStack.Connect(net.Server.Address, 80);
        var activeEof = false;
        long read = 0;
        listener.Accepted = passive =>
        {
            passive.DataReceived = (_, _, bytes) =>
            {
                read += bytes;
                net.Then(read < 16 ? () => active.Write(8, SendFlags.EndOfRecord) : active.Shutdown);
            };
            passive.RemoteClosed = c => net.Then(c.Shutdown);
            net.Then(() => active.Write(8, SendFlags.EndOfRecord));
        };
        active.RemoteClosed = _ => activeEof = true;

        net.Simulation.Run(SimTime.FromSeconds(2));

        Assert.True(activeEof);
        Assert.Empty(program.Errors);
        Assert.Equal((1, 2, 1), (program.Syns, program.DataSegments, program.Fins));
        Assert.InRange(program.PureAcks, 1, 2);
    }
}
