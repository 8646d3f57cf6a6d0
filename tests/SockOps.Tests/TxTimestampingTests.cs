using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;
using NetSim.SockOps.Programs;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// BPF TX timestamping (6.15): SK_BPF_CB_FLAGS, the TSTAMP_* ops, bpf_sock_ops_enable_tx_tstamp(),
/// after the kernel selftest net_timestamping (a 1 Gbit/s link of 10 us each way: a 1500-byte packet
/// takes 12 us to serialise).
/// </summary>
public class TxTimestampingTests
{
    private sealed record Run(Loopback Net, TcpConnection Client, NetTimestampingProgram Program, List<SockOpsInvocation> Calls);

    /// <summary>Connects, then makes each write of <paramref name="writes"/> at its millisecond after the handshake, and runs on.</summary>
    private static Run Exchange(int[] writes, KernelVersion? version = null, ILossModel? loss = null, bool sameInstant = false)
    {
        var net = new Loopback(version is { } v ? new KernelModel(v, 1000) : null, forwardLoss: loss);
        var program = new NetTimestampingProgram();
        var calls = new List<SockOpsInvocation>();
        net.ClientPrograms.Attach(program);
        net.ClientPrograms.Invoked = calls.Add;
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c =>
        {
            for (var i = 0; i < writes.Length; i++)
            {
                var bytes = writes[i];
                net.Simulation.Schedule(net.Simulation.Now + SimTime.FromMilliseconds(sameInstant ? 1 : 1 + i), () => c.Write(bytes));
            }
        };
        net.Simulation.Run(SimTime.FromSeconds(5));
        return new Run(net, client, program, calls);
    }

    [Fact]
    public void OneWriteRunsEachStageOnceWithItsDelays()
    {
        var run = Exchange([1000]);
        var program = run.Program;

        Assert.Equal((1, 1, 1, 1, 1, 1), (program.NrActive, program.NrSnd, program.NrSched, program.NrTxSw, program.NrTxHw, program.NrAck));
        var (key, delays) = Assert.Single(program.Completed);

        // tskey: the sequence number of the write's last byte. Nothing waits in the device: the
        // stages up to the wire share the write's instant; the ACK comes a round trip later.
        Assert.Equal((run.Client.Iss + 1000).Value, key.TsKey);
        Assert.Equal((0u, 0u), (delays.SchedDelay, delays.SndSwDelay));
        Assert.InRange(delays.AckDelay, 20_000u, 200_000_000u);
        var (hardware, now) = Assert.Single(program.HardwareStamps);
        Assert.Equal(now, hardware);
    }

    [Fact]
    public void TheLastPacketOfABurstWaitsInTheDeviceBehindTheOthers()
    {
        // 10000 bytes in two TSO packets (tcp_tso_autosize(): five segments, then two). The second
        // carries the write's last byte; the driver gets it whole, so its timestamps are taken as
        // its first segment starts, behind the first packet's five (1500 bytes, 12 us each).
        var run = Exchange([10_000]);

        var (key, delays) = Assert.Single(run.Program.Completed);
        Assert.Equal((run.Client.Iss + 10_000).Value, key.TsKey);
        Assert.Equal((0u, 60_000u), (delays.SchedDelay, delays.SndSwDelay));
        Assert.True(run.Calls.Single(c => c.Op == SockOp.TstampSchedCb).IsFullSocket);
    }

    [Fact]
    public void WritesThatShareASegmentReportOnlyTheLaterKey()
    {
        // The first 100 bytes go at once; Nagle holds the next two small writes until its ACK, and
        // they leave as one segment, whose tskey the third write overwrote (tcp_tx_timestamp()).
        var run = Exchange([100, 100, 100], sameInstant: true);
        var program = run.Program;

        Assert.Equal((3, 2, 2, 2), (program.NrSnd, program.NrSched, program.NrTxSw, program.NrAck));
        Assert.Equal([(run.Client.Iss + 100).Value, (run.Client.Iss + 300).Value], program.Completed.Select(c => c.Key.TsKey));
    }

    [Fact]
    public void ARetransmittedSegmentIsTimestampedAgainAndAcknowledgedOnce()
    {
        // Client packets: SYN, the handshake's ACK, then the data segment, which is lost once.
        var run = Exchange([1000], loss: new ScheduledLoss(3));
        var program = run.Program;

        Assert.Equal((1, 2, 2, 2, 1), (program.NrSnd, program.NrSched, program.NrTxSw, program.NrTxHw, program.NrAck));
        Assert.Equal(1, run.Client.Statistics.TotalRetransmissions);
    }

    [Fact]
    public void TheTimestampingOpsSeeNoTcpFieldsAndTheSkbsLengths()
    {
        var net = new Loopback();
        var seen = new List<(uint Op, uint Cwnd, uint SndNxt, uint Flags, uint FullSock, uint SkbLen, uint TcpFlags, int EnableWithFlags)>();
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
                {
                    skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SK_BPF_CB_FLAGS, Linux.SK_BPF_CB_TX_TIMESTAMPING);
                }
                else if (skops.op >= Linux.BPF_SOCK_OPS_TSTAMP_SCHED_CB)
                {
                    var withFlags = skops.bpf_sock_ops_enable_tx_tstamp(1);
                    skops.bpf_sock_ops_enable_tx_tstamp(0);
                    seen.Add((skops.op, skops.snd_cwnd, skops.snd_nxt, skops.bpf_sock_ops_cb_flags, skops.is_fullsock, skops.skb_len, skops.skb_tcp_flags, withFlags));
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => net.Then(() => c.Write(1000));
        net.Simulation.Run(SimTime.FromSeconds(1));

        // TCP fields read 0 (no socket lock); skb->len is the payload in the queues and the whole IP
        // packet (20 + 32 + 1000 bytes) at the device; the queued skb carries ACK. enable_tx_tstamp()
        // refuses flags in SENDMSG (-EINVAL) and refuses any other op (-EOPNOTSUPP).
        const int Einval = -Linux.EINVAL;
        const int Eopnotsupp = -Linux.EOPNOTSUPP;
        Assert.Equal(
            [
                ((uint)Linux.BPF_SOCK_OPS_TSTAMP_SENDMSG_CB, 0u, 0u, 0u, 1u, 1000u, 0x10u, Einval),
                ((uint)Linux.BPF_SOCK_OPS_TSTAMP_SCHED_CB, 0u, 0u, 0u, 1u, 1052u, 0x18u, Eopnotsupp),
                ((uint)Linux.BPF_SOCK_OPS_TSTAMP_SND_SW_CB, 0u, 0u, 0u, 1u, 1052u, 0x18u, Eopnotsupp),
                ((uint)Linux.BPF_SOCK_OPS_TSTAMP_SND_HW_CB, 0u, 0u, 0u, 1u, 1052u, 0x18u, Eopnotsupp),
                ((uint)Linux.BPF_SOCK_OPS_TSTAMP_ACK_CB, 0u, 0u, 0u, 1u, 1000u, 0x10u, Eopnotsupp),
            ],
            seen);
    }

    [Fact]
    public void Before615TheSocketFlagIsUnknownAndNoTimestampingOpRuns()
    {
        var run = Exchange([1000], version: new KernelVersion(6, 12));

        Assert.Equal(0, run.Program.NrActive);
        Assert.DoesNotContain(run.Calls, c => c.Op >= SockOp.TstampSchedCb);
    }

    [Fact]
    public void ClearingTheSocketFlagStopsTheSendmsgCallbackFromTheNextWriteOnButNotAMarkedSegments()
    {
        // Timestamping and RTT_CB on at ACTIVE_ESTABLISHED (after the SYN-ACK's RTT sample); the first
        // RTT_CB, from the first write's ACK, clears SK_BPF_CB_FLAGS. A second write 10 us after the
        // first is marked but held by Nagle until that ACK; a third follows at 50 ms.
        var net = new Loopback();
        var program = new NetTimestampingProgram();
        var rttCalls = 0;
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
                {
                    skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_RTT_CB_FLAG);
                }
                else if (skops.op == Linux.BPF_SOCK_OPS_RTT_CB && ++rttCalls == 1)
                {
                    skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SK_BPF_CB_FLAGS, 0);
                }

                return 1;
            },
        });
        net.ClientPrograms.Attach(program);
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c =>
        {
            net.Simulation.Schedule(net.Simulation.Now + SimTime.FromMicroseconds(10), () => c.Write(1000));
            net.Simulation.Schedule(net.Simulation.Now + SimTime.FromMicroseconds(20), () => c.Write(1000));
            net.Simulation.Schedule(net.Simulation.Now + SimTime.FromMilliseconds(50), () => c.Write(1000));
        };
        net.Simulation.Run(SimTime.FromSeconds(1));

        // tcp_ack_tstamp() runs before the RTT sample's RTT_CB, which then clears the flag; the held
        // segment keeps its mark and is followed to its ACK; the third write runs no SENDMSG.
        Assert.Equal((2, 2, 2, 2), (program.NrSnd, program.NrSched, program.NrTxSw, program.NrAck));
        Assert.Equal([(client.Iss + 1000).Value, (client.Iss + 2000).Value], program.Completed.Select(c => c.Key.TsKey));
        Assert.Equal(0, client.BpfCallbackFlags);
    }
}
