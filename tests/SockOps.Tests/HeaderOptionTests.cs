using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Wire;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The header-option ops of Linux 5.10 (HDR_OPT_LEN_CB, WRITE_HDR_OPT_CB, PARSE_HDR_OPT_CB) and
/// their helpers, after the kernel selftest tcp_hdr_options: both ends write an experimental
/// option (RFC 6994 kind 254, magic 0xeB9F) on every segment and read the peer's.
/// </summary>
public class HeaderOptionTests
{
    private static readonly byte[] Magic = [0xeB, 0x9F];

    /// <summary>Reserves 10 bytes and writes [254, 6, 0xeB, 0x9F, n, side] on every segment, and records what it parses.</summary>
    private sealed class ExperimentalOptionProgram(SockOpsCallbackFlags flags) : SockOpsProgram
    {
        public List<(SockOp Op, uint Arg0, uint IsFullSock, int Result)> Calls { get; } = [];

        public List<(SockOp Op, string Side, byte[] Option)> Parsed { get; } = [];

        public List<string> Errors { get; } = [];

        public int SynOptionSeenOnSynAck { get; private set; } = int.MinValue;

        public int SynWithoutSaveSyn { get; private set; } = int.MinValue;

        private ushort _counter;

        public override string Name => "tcp_hdr_options";

        public override int Run(SockOpsContext skops)
        {
            var side = skops.local_port == 80 ? "server" : "client";
            switch (skops.Op)
            {
                case SockOp.TcpConnectCb:
                case SockOp.TcpListenCb:
                    skops.CbFlagsSet(flags);
                    break;
                case SockOp.HdrOptLenCb:
                    var reserved = skops.bpf_reserve_hdr_opt(10, 0);
                    Calls.Add((skops.Op, skops.args[0], skops.is_fullsock, reserved));
                    if (skops.is_fullsock == 0 && (skops.skb_tcp_flags & (uint)TcpFlags.Syn) != 0)
                    {
                        // A SYN-ACK being built on the request socket: the client's SYN option, through syn_skb.
                        SynOptionSeenOnSynAck = skops.bpf_load_hdr_opt([254, 4, .. Magic, 0, 0], 6, Linux.BPF_LOAD_HDR_OPT_TCP_SYN);
                    }

                    break;
                case SockOp.WriteHdrOptCb:
                    _counter++;
                    byte[] option = [254, 6, .. Magic, (byte)_counter, side == "client" ? (byte)1 : (byte)2];
                    Calls.Add((skops.Op, skops.args[0], skops.is_fullsock, skops.bpf_store_hdr_opt(option, 6, 0)));
                    Expect(-Linux.EEXIST, skops.bpf_store_hdr_opt([254, 4, .. Magic], 4, 0), "a second copy");
                    Expect(-Linux.ENOSPC, skops.bpf_store_hdr_opt([0xB7, 8, 0, 0, 0, 0, 0, 0], 8, 0), "beyond the reservation");
                    break;
                case SockOp.ParseHdrOptCb:
                case SockOp.ActiveEstablishedCb:
                case SockOp.PassiveEstablishedCb:
                    byte[] found = [254, 4, .. Magic, 0, 0];
                    if (skops.bpf_load_hdr_opt(found, 6, 0) == 6)
                    {
                        Parsed.Add((skops.Op, side, found));
                    }

                    if (skops.Op == SockOp.PassiveEstablishedCb)
                    {
                        SynWithoutSaveSyn = skops.bpf_load_hdr_opt([254, 4, .. Magic, 0, 0], 6, Linux.BPF_LOAD_HDR_OPT_TCP_SYN);
                    }

                    break;
            }

            return 1;
        }

        private void Expect(int expected, int actual, string what)
        {
            if (expected != actual)
            {
                Errors.Add($"{what}: {actual}, expected {expected}");
            }
        }
    }

    private sealed class Exchange
    {
        public Exchange(SockOpsCallbackFlags flags, int bytes = 100_000)
        {
            Net = new Loopback();
            Program = new ExperimentalOptionProgram(flags);
            Net.ClientPrograms.Attach(Program);
            Net.ServerPrograms.Attach(Program);
            Net.ClientToServer.TransmissionStarted = (_, p) => ClientPackets.Add(Copy(p));
            Net.ServerToClient.TransmissionStarted = (_, p) => ServerPackets.Add(Copy(p));
            var listener = Net.ServerStack.Listen(80);
            listener.Accepted = child => child.DataReceived = (c, _, n) =>
            {
                Received += n;
                c.Read(long.MaxValue);
            };
            Client = Net.ClientStack.Connect(Net.Server.Address, 80);
            Client.Established = c => c.Write(bytes);
            Net.Simulation.Run(SimTime.FromMilliseconds(50));
        }

        public Loopback Net { get; }
        public ExperimentalOptionProgram Program { get; }
        public TcpConnection Client { get; }
        public long Received { get; private set; }
        public List<Packet> ClientPackets { get; } = [];
        public List<Packet> ServerPackets { get; } = [];

        private static Packet Copy(Packet packet)
        {
            var copy = new Packet();
            packet.CopyTo(copy);
            return copy;
        }
    }

    [Fact]
    public void EverySegmentCarriesTheOptionAndDataSegmentsShrinkByItsRoundedLength()
    {
        var run = new Exchange(SockOpsCallbackFlags.WriteHdrOpt | SockOpsCallbackFlags.ParseUnknownHdrOpt);

        Assert.Empty(run.Program.Errors);
        Assert.Equal(100_000, run.Received);

        // SYN, SYN-ACK, data and ACKs: 10 bytes reserved, rounded to 12; the 6 unwritten are NOPs.
        Assert.All(run.ClientPackets.Concat(run.ServerPackets), p =>
        {
            Assert.Equal(12, p.ExtraOptionsLength);
            Assert.Equal([254, 6, 0xeB, 0x9F], p.ExtraOptions[..4].ToArray());
            Assert.Equal([1, 1, 1, 1, 1, 1], p.ExtraOptions[6..12].ToArray());
        });

        // tcp_current_mss(): mss_cache 1448 less 12, so full data segments are 1500-byte IP packets again.
        var data = run.ClientPackets.Where(p => p.PayloadLength > 0).ToList();
        Assert.Equal(1436, data.Max(p => p.PayloadLength));
        Assert.All(data.Where(p => p.PayloadLength == 1436), p => Assert.Equal(1500, p.SizeBytes));
        Assert.Equal(1448, run.Client.Mss);

        // On the wire, right after the kernel's options (NOP NOP TS, then the program's).
        var header = WireEncoder.TcpHeader(data[0]);
        Assert.Equal(20 + 12 + 12, header.Length);
        Assert.Equal([254, 6, 0xeB, 0x9F], header[32..36]);
    }

    [Fact]
    public void TheOpsRunWhereLinuxRunsThemWithTheirArguments()
    {
        var run = new Exchange(SockOpsCallbackFlags.WriteHdrOpt | SockOpsCallbackFlags.ParseUnknownHdrOpt);
        var calls = run.Program.Calls;

        // HDR_OPT_LEN_CB for every skb built (args[0] 0) and for each tcp_current_mss() (args[0] 1, no segment);
        // WRITE_HDR_OPT_CB for every skb built, after the reservation. A TSO skb asks once for all
        // its segments, which carry what it wrote (GSO copies the header): fewer calls than segments.
        var segments = run.ClientPackets.Count + run.ServerPackets.Count;
        var written = calls.Count(c => c.Op == SockOp.WriteHdrOptCb);
        Assert.InRange(written, run.ServerPackets.Count + 3, segments - 1);
        Assert.All(run.ClientPackets.Concat(run.ServerPackets), p => Assert.True(p.ExtraOptionsLength > 0));
        Assert.All(calls.Where(c => c.Op == SockOp.WriteHdrOptCb), c => Assert.Equal((0u, 0), (c.Arg0, c.Result)));
        Assert.Equal(written, calls.Count(c => c.Op == SockOp.HdrOptLenCb && c.Arg0 == 0));
        Assert.Contains(calls, c => c.Op == SockOp.HdrOptLenCb && c.Arg0 == Linux.BPF_WRITE_HDR_TCP_CURRENT_MSS);

        // The SYN-ACK is built on the request socket (not a full socket), which can read the SYN being answered.
        Assert.Contains(calls, c => c.Op == SockOp.HdrOptLenCb && c.IsFullSock == 0);
        Assert.Equal(6, run.Program.SynOptionSeenOnSynAck);

        // Each ESTABLISHED callback reads the segment that completed the handshake; the SYN itself only if saved.
        Assert.Contains(run.Program.Parsed, p => p.Op == SockOp.ActiveEstablishedCb && p.Option[5] == 2);
        Assert.Contains(run.Program.Parsed, p => p.Op == SockOp.PassiveEstablishedCb && p.Option[5] == 1);
        Assert.Equal(-Linux.ENOENT, run.Program.SynWithoutSaveSyn);

        // PARSE_HDR_OPT_CB (unknown option seen) for every segment after the handshake, on both ends.
        var parsedByServer = run.Program.Parsed.Count(p => p.Op == SockOp.ParseHdrOptCb && p.Side == "server");
        var parsedByClient = run.Program.Parsed.Count(p => p.Op == SockOp.ParseHdrOptCb && p.Side == "client");
        Assert.Equal(run.ClientPackets.Count - 2, parsedByServer);
        Assert.Equal(run.ServerPackets.Count - 1, parsedByClient);
    }

    [Fact]
    public void WithoutAParseFlagNothingIsParsedAndParseAllSeesSegmentsWithoutOptions()
    {
        var writeOnly = new Exchange(SockOpsCallbackFlags.WriteHdrOpt);
        Assert.DoesNotContain(writeOnly.Program.Parsed, p => p.Op == SockOp.ParseHdrOptCb);

        var parseAll = new Exchange(SockOpsCallbackFlags.ParseAllHdrOpt, bytes: 10_000);
        Assert.All(parseAll.ClientPackets.Concat(parseAll.ServerPackets), p => Assert.Equal(0, p.ExtraOptionsLength));
        Assert.Empty(parseAll.Program.Calls);
        Assert.Equal(10_000, parseAll.Received);
    }

    [Fact]
    public void TheHelpersRefuseWhatTheKernelRefuses()
    {
        var net = new Loopback();
        var results = new Dictionary<string, int>();
        net.ClientPrograms.Attach(new Tests.RecordingProgram(SockOpsCallbackFlags.WriteHdrOpt)
        {
            OnRun = skops =>
            {
                switch (skops.Op)
                {
                    case SockOp.TcpConnectCb:
                        results["store outside WRITE"] = skops.bpf_store_hdr_opt([254, 4, .. Magic], 4, 0);
                        results["reserve outside LEN"] = skops.bpf_reserve_hdr_opt(4, 0);
                        break;
                    case SockOp.HdrOptLenCb when skops.args[0] == 0 && !results.ContainsKey("reserve 1"):
                        results["reserve 1"] = skops.bpf_reserve_hdr_opt(1, 0);
                        results["reserve with flags"] = skops.bpf_reserve_hdr_opt(4, 1);
                        results["reserve too much"] = skops.bpf_reserve_hdr_opt(41, 0);
                        results["load in LEN"] = skops.bpf_load_hdr_opt([8, 0, 0, 0, 0, 0, 0, 0, 0, 0], 10, 0);
                        results["reserve 10"] = skops.bpf_reserve_hdr_opt(10, 0);
                        break;
                    case SockOp.WriteHdrOptCb when !results.ContainsKey("store kind-length 1"):
                        results["store kind-length 1"] = skops.bpf_store_hdr_opt([254, 1, .. Magic], 4, 0);
                        results["store kind-length beyond len"] = skops.bpf_store_hdr_opt([254, 8, .. Magic, 0, 0], 6, 0);
                        results["store the kernel's MSS again"] = skops.bpf_store_hdr_opt([2, 4, 5, 0xb4], 4, 0);
                        results["store beyond the reservation"] = skops.bpf_store_hdr_opt([254, 14, .. Magic, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 14, 0);
                        results["load the MSS"] = skops.bpf_load_hdr_opt([2, 0, 0, 0], 4, 0);
                        results["load into 2 bytes"] = skops.bpf_load_hdr_opt([2, 0], 2, 0);
                        results["load a NOP"] = skops.bpf_load_hdr_opt([1, 0], 2, 0);
                        results["load an absent kind"] = skops.bpf_load_hdr_opt([254, 4, .. Magic], 4, 0);
                        results["load experimental, bad magic size"] = skops.bpf_load_hdr_opt([254, 3, .. Magic], 4, 0);
                        results["store"] = skops.bpf_store_hdr_opt([254, 4, .. Magic], 4, 0);
                        break;
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(5));

        Assert.Equal(-Linux.EPERM, results["store outside WRITE"]);
        Assert.Equal(-Linux.EPERM, results["reserve outside LEN"]);
        Assert.Equal(-Linux.EINVAL, results["reserve 1"]);
        Assert.Equal(-Linux.EINVAL, results["reserve with flags"]);
        Assert.Equal(-Linux.ENOSPC, results["reserve too much"]);
        Assert.Equal(-Linux.EPERM, results["load in LEN"]);
        Assert.Equal(0, results["reserve 10"]);
        Assert.Equal(-Linux.EINVAL, results["store kind-length 1"]);
        Assert.Equal(-Linux.EINVAL, results["store kind-length beyond len"]);
        Assert.Equal(-Linux.EEXIST, results["store the kernel's MSS again"]);
        Assert.Equal(-Linux.ENOSPC, results["store beyond the reservation"]);
        Assert.Equal(4, results["load the MSS"]);
        Assert.Equal(-Linux.ENOSPC, results["load into 2 bytes"]);
        Assert.Equal(-Linux.EINVAL, results["load a NOP"]);
        Assert.Equal(-Linux.ENOMSG, results["load an absent kind"]);
        Assert.Equal(-Linux.EINVAL, results["load experimental, bad magic size"]);
        Assert.Equal(0, results["store"]);
        Assert.Equal(TcpState.Established, client.State);
    }

    [Fact]
    public void BeforeLinux510TheFlagsAreRefusedAndTheFieldsAndHelpersDoNotExist()
    {
        var net = new Loopback(new Kernel.KernelModel(new Kernel.KernelVersion(5, 4), 1000));
        var refused = 0;
        var failures = new List<string>();
        net.ClientPrograms.Attach(new Tests.RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.Op == SockOp.TcpConnectCb)
                {
                    refused = skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG | Linux.BPF_SOCK_OPS_PARSE_ALL_HDR_OPT_CB_FLAG);
                    foreach (var use in new Action[] { () => _ = skops.skb_len, () => skops.bpf_reserve_hdr_opt(4, 0), () => skops.bpf_load_hdr_opt([2, 0, 0, 0], 4, 0) })
                    {
                        try
                        {
                            use();
                        }
                        catch (SockOpsProgramException ex)
                        {
                            failures.Add(ex.Message);
                        }
                    }
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(10_000);
        net.Simulation.Run(SimTime.FromMilliseconds(5));

        Assert.Equal(0x50, refused);
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.Contains("(added in 5.10)", f, StringComparison.Ordinal));
    }

    [Fact]
    public void ClearingWriteHdrOptStopsTheOptionsFromTheNextSegmentOn()
    {
        var net = new Loopback();
        var written = 0;
        var lengthCallsAfterClearing = 0;
        net.ClientPrograms.Attach(new Tests.RecordingProgram(SockOpsCallbackFlags.WriteHdrOpt)
        {
            OnRun = skops =>
            {
                switch (skops.Op)
                {
                    case SockOp.HdrOptLenCb when written >= 5:
                        lengthCallsAfterClearing++;
                        break;
                    case SockOp.HdrOptLenCb:
                        skops.bpf_reserve_hdr_opt(4, 0);
                        break;
                    case SockOp.WriteHdrOptCb:
                        skops.bpf_store_hdr_opt([254, 4, .. Magic], 4, 0);
                        if (++written == 5)
                        {
                            skops.CbFlagsSet(skops.CallbackFlags & ~SockOpsCallbackFlags.WriteHdrOpt);
                        }

                        break;
                }

                return 1;
            },
        });
        var withOptions = new List<bool>();
        net.ClientToServer.TransmissionStarted = (_, p) => withOptions.Add(p.ExtraOptionsLength > 0);
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(50_000);
        net.Simulation.Run(SimTime.FromMilliseconds(20));

        // The SYN (flags set in CONNECT_CB), the handshake ACK and three data packets, each segment
        // of a TSO packet carrying the option written for the packet; nothing after.
        Assert.Equal(5, written);
        var firstWithout = withOptions.IndexOf(false);
        Assert.True(firstWithout > 5, $"options on the first {firstWithout} segments");
        Assert.True(withOptions.Count > firstWithout + 5);
        Assert.All(withOptions.Skip(firstWithout), Assert.False);
        Assert.Equal(0, lengthCallsAfterClearing);
    }

    [Fact]
    public void TheRstOfACloseWithUnreadDataIsBuiltAfterTheMoveToCloseAndCarriesTheOption()
    {
        var net = new Loopback();
        var program = new RecordingProgram(SockOpsCallbackFlags.State | SockOpsCallbackFlags.WriteHdrOpt)
        {
            OnRun = skops =>
            {
                if (skops.Op == SockOp.HdrOptLenCb)
                {
                    skops.bpf_reserve_hdr_opt(4, 0);
                }
                else if (skops.Op == SockOp.WriteHdrOptCb)
                {
                    skops.bpf_store_hdr_opt([254, 4, .. Magic], 4, 0);
                }

                return 1;
            },
        };
        net.ServerPrograms.Attach(program);
        TcpConnection? server = null;
        net.ServerStack.Listen(80).Accepted = child =>
        {
            server = child;
            child.ReadsOnArrival = false;
        };
        net.ClientStack.Connect(net.Server.Address, 80).Established = c => c.Write(1000);
        net.Simulation.Run(SimTime.FromMilliseconds(10));
        var sent = new List<(TcpFlags Flags, bool WithOption)>();
        net.ServerToClient.TransmissionStarted = (_, p) => sent.Add((p.Flags, p.ExtraOptionsLength > 0));
        program.Calls.Clear();

        server!.Close();
        net.Simulation.Run(net.Simulation.Now + SimTime.FromMilliseconds(10));

        // Linux tcp_close(): tcp_set_state(TCP_CLOSE) runs STATE_CB, then tcp_send_active_reset()
        // builds the RST through tcp_transmit_skb(), whose options the program is asked for.
        Assert.Equal(
            [(SockOp.StateCb, 1u, 7u, 1u), (SockOp.HdrOptLenCb, 0u, 0u, 7u), (SockOp.WriteHdrOptCb, 0u, 0u, 7u)],
            program.Calls.Select(c => (c.Op, c.Arg0, c.Arg1, c.State)));
        Assert.Equal([(TcpFlags.Rst | TcpFlags.Ack, true)], sent);
    }
}
