using System.Text;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.SockOps.Tests;

/// <summary>bpf_setsockopt() and bpf_getsockopt() as net/core/filter.c implements them (SOCKOPS.md §4).</summary>
public class SockoptTests
{
    /// <summary>Runs <paramref name="action"/> in the op given on the client (or the server's request socket for NEEDS_ECN) and returns the client connection.</summary>
    internal static Tcp.TcpConnection RunIn(int op, Action<SockOpsContext> action, bool server = false, Kernel.KernelVersion? version = null)
    {
        var net = new Loopback(version is { } v ? new Kernel.KernelModel(v, 1000) : null);
        Exception? failure = null;
        var program = new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == op)
                {
                    // The dispatcher turns a program's exception into the op's default: keep assertion failures for the test.
                    try
                    {
                        action(skops);
                    }
                    catch (Exception ex)
                    {
                        failure ??= ex;
                    }
                }

                return 1;
            },
        };
        (server ? net.ServerPrograms : net.ClientPrograms).Attach(program);
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }

        return client;
    }

    [Fact]
    public void TcpCongestionSwitchesTheAlgorithmAndReadsBackItsName()
    {
        int? set = null;
        int? get = null;
        var name = new byte[Linux.TCP_CA_NAME_MAX];
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            var value = "vegas\0"u8.ToArray();
            set = skops.bpf_setsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, value, value.Length);
            get = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, name, name.Length);
        });

        Assert.Equal((0, 0), (set, get));
        Assert.Equal("vegas", Encoding.ASCII.GetString(name).TrimEnd('\0'));
        Assert.IsType<Vegas>(client.Congestion);
    }

    [Theory]
    [InlineData("bbr9\0", 5, -Linux.ENOENT)]
    [InlineData("r", 1, -Linux.EINVAL)]
    [InlineData("renoXXXX", 4, 0)]
    public void TcpCongestionTakesOptlenBytesAndRefusesUnknownNames(string value, int optlen, int expected)
    {
        int? result = null;
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
            result = skops.bpf_setsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, Encoding.ASCII.GetBytes(value), optlen));

        Assert.Equal(expected, result);
        Assert.Equal(expected == 0 ? "reno" : "cubic", client.Congestion.Name);
    }

    [Fact]
    public void OnARequestSocketEveryOptionIsInvalid()
    {
        int? result = null;
        RunIn(Linux.BPF_SOCK_OPS_NEEDS_ECN, skops =>
        {
            if (skops.is_fullsock == 0)
            {
                result = skops.SetCongestion("reno");
            }
        }, server: true);

        Assert.Equal(-Linux.EINVAL, result);
    }

    [Fact]
    public void TcpBpfIwSetsCwndBeforeDataAndIsSetOnly()
    {
        int? set = null;
        int? get = null;
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            set = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_IW, 40);
            get = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_IW, new byte[4], 4);
        });

        Assert.Equal((0, -Linux.EINVAL), (set, get));
        Assert.Equal(40u, client.Window.Cwnd);
    }

    [Fact]
    public void TcpBpfSndcwndClampSetsTheClampAndSsthresh()
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops => Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, 100)));

        Assert.Equal((100u, 100u), (client.Window.CwndClamp, client.Window.Ssthresh));
    }

    [Fact]
    public void SoMaxPacingRateTurnsPacingOnAndReadsBack()
    {
        var value = new byte[4];
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, 125_000));
            Assert.Equal(0, skops.bpf_getsockopt(Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, value, 4));
        });

        Assert.Equal(125_000, BitConverter.ToInt32(value));
        Assert.True(client.PacingEnabled);
        Assert.Equal(125_000UL, client.MaxPacingRate);
    }

    internal static int Get(SockOpsContext skops, int level, int optname)
    {
        var value = new byte[4];
        Assert.Equal(0, skops.bpf_getsockopt(level, optname, value, 4));
        return BitConverter.ToInt32(value);
    }

    [Theory]
    [InlineData(Linux.TCP_BPF_DELACK_MAX)]
    [InlineData(Linux.TCP_BPF_RTO_MIN)]
    public void DelackMaxAndRtoMinTakeTwoJiffiesTo200MsAndReadBack(int optname)
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            Assert.Equal(-Linux.EINVAL, skops.SetSockOpt(Linux.SOL_TCP, optname, 1000));
            Assert.Equal(-Linux.EINVAL, skops.SetSockOpt(Linux.SOL_TCP, optname, 201_000));
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, optname, 30_000));
            Assert.Equal(30_000, Get(skops, Linux.SOL_TCP, optname));
        });

        Assert.Equal(30_000, optname == Linux.TCP_BPF_DELACK_MAX ? client.DelayedAckMax.Microseconds : client.Settings.MinRto.Microseconds);
    }

    [Theory]
    [InlineData(null, 200)]
    [InlineData(30_000, 30)]
    public void AnRtoMinAProgramSetsIsTheFloorTheRtoFallsTo(int? rtoMinUs, int expectedFloorMs)
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            if (rtoMinUs is { } us)
            {
                Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_RTO_MIN, us));
            }
        });

        // On a 20 µs path the RTO is SRTT plus the variance, which tcp_rtt_estimator() lets fall
        // by a quarter a window towards the floor tcp_rto_min() gives, from the 200 ms the
        // handshake's sample had: after a megabyte, many windows on, it is the floor and the few
        // milliseconds of SRTT the queue adds.
        client.Write(1_000_000);
        client.Simulation.Run(client.Simulation.Now + SimTime.FromMilliseconds(100));

        Assert.InRange(client.Rtt.Rto.TotalMilliseconds, expectedFloorMs, expectedFloorMs + 10);
    }

    [Fact]
    public void TcpBpfSockOpsCbFlagsRefusesUnsupportedBitsWholeSince612()
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS, 0xF));
            Assert.Equal(-Linux.EINVAL, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS, 0x80 | 0x1));
            Assert.Equal(0xF, Get(skops, Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS));
        });
        Assert.Equal((Tcp.Hooks.SockOpsCallbackFlags)0xF, client.CallbackFlags);

        int? older = null;
        RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops => older = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS, 0xF), version: new Kernel.KernelVersion(6, 6));
        Assert.Equal(-Linux.EINVAL, older);
    }

    [Fact]
    public void NodelayAndKeepaliveOptionsSetTheSocketAndReadBack()
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_NODELAY, 1));
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_KEEPALIVE, 1));
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_KEEPIDLE, 10));
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_KEEPINTVL, 3));
            Assert.Equal(-Linux.EINVAL, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_KEEPCNT, 128));
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_KEEPCNT, 4));
            Assert.Equal((1, 1, 10, 3, 4), (Get(skops, Linux.SOL_TCP, Linux.TCP_NODELAY), Get(skops, Linux.SOL_SOCKET, Linux.SO_KEEPALIVE),
                Get(skops, Linux.SOL_TCP, Linux.TCP_KEEPIDLE), Get(skops, Linux.SOL_TCP, Linux.TCP_KEEPINTVL), Get(skops, Linux.SOL_TCP, Linux.TCP_KEEPCNT)));
        });

        Assert.True(client.NoDelay && client.KeepAlive);
        Assert.Equal((10.0, 3.0, 4), (client.Settings.KeepAliveTime.TotalSeconds, client.Settings.KeepAliveInterval.TotalSeconds, client.Settings.KeepAliveProbes));

        int? older = null;
        RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops => older = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_NODELAY, 1), version: new Kernel.KernelVersion(5, 10));
        Assert.Equal(-Linux.EINVAL, older);
    }

    [Theory]
    [InlineData(Linux.SO_SNDBUF, 8123, 16246)]
    [InlineData(Linux.SO_RCVBUF, 8123, 16246)]
    [InlineData(Linux.SO_SNDBUF, 1_500_000, 3_000_000)]
    [InlineData(Linux.SO_RCVBUF, 1_500_000, 3_000_000)]
    [InlineData(Linux.SO_SNDBUF, 5_000_000, 8_388_608)]
    [InlineData(Linux.SO_RCVBUF, -1, 8_388_608)]
    [InlineData(Linux.SO_SNDBUF, 1, Tcp.TcpSettings.MinSendBufferSize)]
    [InlineData(Linux.SO_RCVBUF, 1, Tcp.TcpSettings.MinReceiveBufferSize)]
    public void SndbufAndRcvbufAreCappedAtTheCoreMaximumThenDoubled(int optname, int requested, int readBack)
    {
        // sk_setsockopt(): min_t(u32, val, wmem_max or rmem_max = 4 MB since 6.18), doubled, at least SOCK_MIN_SNDBUF or SOCK_MIN_RCVBUF.
        int? set = null;
        int? get = null;
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            set = skops.SetSockOpt(Linux.SOL_SOCKET, optname, requested);
            get = Get(skops, Linux.SOL_SOCKET, optname);
        });

        Assert.Equal((0, readBack), (set, get));
        Assert.Equal(readBack, optname == Linux.SO_SNDBUF ? client.SendBufferSize : client.ReceiveBufferSize);
    }

    [Fact]
    public void SndbufLimitsWhatTheApplicationMayWriteAhead()
    {
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops => skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_SNDBUF, 8123));

        // sk_sndbuf 16246. tcp_sendmsg_locked() checks the buffer only before it starts an skb,
        // which it then fills to the size goal: one skb, past the buffer, whose front the initial
        // window sends at once. The next write tops that skb up again without a check; the one
        // after finds no room for another.
        Assert.Equal(16246, client.SendBufferSpace);
        var written = client.Write(1_000_000);
        Assert.InRange(written, 16247, NetSim.Tcp.TcpConnection.GsoMaxSize);
        Assert.Equal(0, written % client.Mss);
        Assert.Equal(0, client.SendBufferSpace);
        Assert.InRange(client.Write(1_000_000), 1, written - 1);
        Assert.Equal(0, client.Write(1_000_000));
    }

    [Fact]
    public void RcvbufSetInConnectCbSizesTheSynWindowToHalfOfIt()
    {
        var net = new Loopback();
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops => skops.op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB ? skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_RCVBUF, 8123) + 1 : 1,
        });
        net.ServerStack.Listen(80);

        var client = net.ClientStack.Connect(net.Server.Address, 80);

        // sk_rcvbuf 16246; tcp_full_space() gives half to data: 8123 bytes, five whole segments.
        Assert.Equal(16246, client.ReceiveBufferSize);
        Assert.Equal((uint)(8123 / net.Settings.Mss * net.Settings.Mss), client.RcvWnd);
    }

    [Theory]
    [InlineData(Linux.SOL_SOCKET, Linux.SO_RCVBUF, 8123, 0)]
    [InlineData(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, 300_000, 3)]
    [InlineData(Linux.SOL_SOCKET, Linux.SO_SNDBUF, 8123, 7)]
    public void ARcvbufOrClampSetInConnectCbLimitsTheWindowScaleOffered(int level, int optname, int value, int shift)
    {
        // tcp_connect_init(): a locked SO_RCVBUF makes the window clamp its space; tcp_select_initial_window()
        // takes the scale from tcp_rmem[2] (6 MiB: 7) no larger than the clamp.
        var net = new Loopback(settings: Tcp.TcpSettings.Linux with { ReceiveBuffer = 131072, ReceiveBufferMax = 6 << 20 });
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops => skops.op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB ? skops.SetSockOpt(level, optname, value) + 1 : 1,
        });
        net.ServerStack.Listen(80);

        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromSeconds(1));

        Assert.Equal(Tcp.TcpState.Established, client.State);
        Assert.Equal(shift, client.RcvWscale);
    }

    [Fact]
    public void WindowClampCapsEveryWindowOfferedAndReadsBack()
    {
        var net = new Loopback();
        var readBack = 0;
        int? clearOnOpenSocket = null;
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                switch (skops.op)
                {
                    case Linux.BPF_SOCK_OPS_TCP_CONNECT_CB:
                        skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, 9216);
                        break;
                    case Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                        readBack = Get(skops, Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP);
                        clearOnOpenSocket = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, 0);
                        break;
                }

                return 1;
            },
        });
        var listener = net.ServerStack.Listen(80);
        listener.Accepted = child => net.Then(() => child.Write(300_000));
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        var received = 0L;
        client.DataReceived = (c, _, n) =>
        {
            received += n;
            c.Read(long.MaxValue);
        };
        var synWindow = client.RcvWnd;
        var largest = 0u;
        for (var t = SimTime.FromMicroseconds(50); t < SimTime.FromSeconds(1); t += SimTime.FromMicroseconds(50))
        {
            net.Simulation.Run(t);
            largest = Math.Max(largest, client.RcvWnd);
        }

        // tcp_select_initial_window(): the clamp before rounding down to whole segments.
        Assert.Equal((uint)(9216 / net.Settings.Mss * net.Settings.Mss), synWindow);
        Assert.Equal((9216, -Linux.EINVAL), (readBack, clearOnOpenSocket));
        Assert.Equal(300_000, received);
        Assert.InRange(largest, 1u, 9216u);
        Assert.Equal(9216u, client.WindowClamp);
    }

    [Fact]
    public void IpTosKeepsTheEcnBitsForTcpAndIpv6OptionsAreRefusedOnIpv4()
    {
        int? tclass = null;
        int? outOfRange = null;
        var client = RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            // __ip_sock_set_tos(): 0xe1 reads back 0xe0 on a TCP socket; sol_ipv6_sockopt() wants AF_INET6.
            Assert.Equal(0, skops.SetSockOpt(Linux.SOL_IP, Linux.IP_TOS, 0xe1));
            Assert.Equal(0xe0, Get(skops, Linux.SOL_IP, Linux.IP_TOS));
            outOfRange = skops.SetSockOpt(Linux.SOL_IP, Linux.IP_TOS, 0x100);
            tclass = skops.SetSockOpt(Linux.SOL_IPV6, Linux.IPV6_TCLASS, 0xff);
        });

        Assert.Equal((-Linux.EINVAL, -Linux.EINVAL), (outOfRange, tclass));
        Assert.Equal(0xe0, client.Tos);
    }

    [Fact]
    public void SavedSynGivesTheFirstOptlenBytesOfTheSynsHeadersOnlyWhenTheListenerSavedThem()
    {
        var net = new Loopback();
        int? save = null;
        int? tooLong = null;
        var headers = new byte[40];
        var withoutSave = 0;
        net.ServerPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TCP_LISTEN_CB && skops.local_port == 80)
                {
                    save = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_SAVE_SYN, 1);
                }
                else if (skops.op == Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB && skops.local_port == 80)
                {
                    tooLong = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_SAVED_SYN, new byte[200], 200);
                    Assert.Equal(0, skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_SAVED_SYN, headers, headers.Length));
                }
                else if (skops.op == Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
                {
                    withoutSave = skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_SAVED_SYN, new byte[40], 40);
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        net.ServerStack.Listen(81);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.ClientStack.Connect(net.Server.Address, 81);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        Assert.Equal((0, -Linux.EINVAL, -Linux.EINVAL), (save, tooLong, withoutSave));

        // IPv4 (version 4, 20-byte header, protocol 6), then the client's SYN: its ports, ISN and flags.
        Assert.Equal((0x45, 6), (headers[0], headers[9]));
        Assert.Equal(client.LocalPort, (ushort)((headers[20] << 8) | headers[21]));
        Assert.Equal(client.Iss.Value, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(headers.AsSpan(24)));
        Assert.Equal(0x02, headers[33]);
    }

    [Fact]
    public void MaxsegBoundsTheMssOfTheHandshakeToComeAsSetgetSockoptTestsIt()
    {
        // progs/setget_sockopt.c test_tcp_maxseg(): set 1314 while not ESTABLISHED, read back at most 1314 once it is.
        var net = new Loopback();
        var results = new List<(int Op, int Result)>();
        var established = 0;
        var program = new RecordingProgram
        {
            OnRun = skops =>
            {
                switch (skops.op)
                {
                    case Linux.BPF_SOCK_OPS_TCP_LISTEN_CB:
                    case Linux.BPF_SOCK_OPS_TCP_CONNECT_CB:
                    case Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
                        results.Add(((int)skops.op, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_MAXSEG, 1314)));
                        break;
                    case Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                        established = Get(skops, Linux.SOL_TCP, Linux.TCP_MAXSEG);
                        results.Add(((int)skops.op, skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_MAXSEG, 87)));
                        break;
                }

                return 1;
            },
        };
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(program);
        var listener = net.ServerStack.Listen(80);
        Tcp.TcpConnection? accepted = null;
        listener.Accepted = child => accepted = child;
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        Assert.Equal(
            [(Linux.BPF_SOCK_OPS_TCP_LISTEN_CB, 0), (Linux.BPF_SOCK_OPS_TCP_CONNECT_CB, 0), (Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, -Linux.EINVAL), (Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, 0)],
            results);

        // Both SYNs announce 1314 (the child inherits the listener's user_mss); less the timestamps, 1302 per segment.
        Assert.Equal(1302, established);
        Assert.Equal((1302, 1302), (client.Mss, accepted!.Mss));
        Assert.Equal(1314, listener.MaxSegmentOption);
    }

    [Fact]
    public void SyncntSetInConnectCbLimitsTheSynRetransmissions()
    {
        // A path that loses everything: with TCP_SYNCNT 2 the client gives up after the SYN and 2 retransmissions
        // beyond the tcp_syn_linear_timeouts ones (tcp_write_timeout(): max_retransmits = syn_retries + linear timeouts).
        var net = new Loopback(forwardLoss: new Sim.Network.Loss.ScheduledLoss { Outage = true });
        int? set = null;
        int? refused = null;
        var read = 0;
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB)
                {
                    refused = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_SYNCNT, 128);
                    set = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_SYNCNT, 2);
                    read = Get(skops, Linux.SOL_TCP, Linux.TCP_SYNCNT);
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromSeconds(60));

        Assert.Equal((-Linux.EINVAL, 0, 2), (refused, set, read));
        Assert.Equal(Tcp.TcpState.Closed, client.State);
        Assert.Equal("ETIMEDOUT", client.Error);
        Assert.Equal(2 + net.Settings.SynLinearTimeouts, client.Statistics.TotalRetransmissions);
        Assert.True(net.Settings.SynRetries > 2);
    }

    [Fact]
    public void UserTimeoutAbortsUnacknowledgedDataAtItsDeadlineInsteadOfAfterTheRetries()
    {
        var loss = new Sim.Network.Loss.ScheduledLoss();
        var net = new Loopback(forwardLoss: loss);
        var read = 0;
        int? refused = null;
        var rtoCalls = new List<(uint Retransmits, uint WillAbort)>();
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
                {
                    refused = skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT, -1);
                    skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT, 3000);
                    read = Get(skops, Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT);
                    skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_RTO_CB_FLAG);
                }
                else if (skops.op == Linux.BPF_SOCK_OPS_RTO_CB)
                {
                    rtoCalls.Add((skops.args[0], skops.args[2]));
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(5));
        loss.Outage = true;
        var sent = net.Simulation.Now;
        var abortedAt = SimTime.Never;
        client.Closed = _ => abortedAt = net.Simulation.Now;
        client.Write(10_000);
        net.Simulation.Run(SimTime.FromSeconds(60));

        Assert.Equal((-Linux.EINVAL, 3000), (refused, read));
        Assert.Equal(("ETIMEDOUT", Tcp.TcpState.Closed), (client.Error, client.State));

        // retransmits_timed_out() against 3 s from the first send, the last RTO clamped to fire then (tcp_clamp_rto_to_user_timeout()).
        Assert.InRange((abortedAt - sent).TotalSeconds, 3.0, 3.002);
        Assert.Equal(1u, rtoCalls[^1].WillAbort);
        Assert.All(rtoCalls.SkipLast(1), c => Assert.Equal(0u, c.WillAbort));
    }
}
