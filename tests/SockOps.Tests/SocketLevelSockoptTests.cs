using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The socket-level options and the SYN-header reads of bpf_setsockopt()/bpf_getsockopt()
/// (sk_setsockopt(), sock_setbindtodevice(), tcp_set_rcvlowat(), bpf_sock_ops_get_syn()), each
/// from the kernel version that has it.
/// </summary>
public class SocketLevelSockoptTests
{
    private static readonly KernelVersion Linux515 = new(5, 15);

    private static int Set(SockOpsContext skops, int level, int optname, int value) => skops.SetSockOpt(level, optname, value);

    private static (int Result, int Value) TryGet(SockOpsContext skops, int level, int optname)
    {
        var value = new byte[4];
        var result = skops.bpf_getsockopt(level, optname, value, 4);
        return (result, BitConverter.ToInt32(value));
    }

    [Fact]
    public void BindToDeviceTakesTheHostsDeviceNamesAndReadsBackAsAnInterfaceIndex()
    {
        var results = new List<int>();
        var indexes = new List<int>();
        SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            foreach (var name in new[] { "eth0", "eth1", "eth00", "", "lo" })
            {
                var bytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
                results.Add(skops.bpf_setsockopt(Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, bytes, bytes.Length));
                indexes.Add(SockoptTests.Get(skops, Linux.SOL_SOCKET, Linux.SO_BINDTOIFINDEX));
            }

            results.Add(Set(skops, Linux.SOL_SOCKET, Linux.SO_BINDTOIFINDEX, 7));
            results.Add(Set(skops, Linux.SOL_SOCKET, Linux.SO_BINDTOIFINDEX, 0));
            results.Add(TryGet(skops, Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE).Result);
        });

        // eth0 is index 2 (lo is 1); a host with one link has no eth1, and "eth00" is no name at all.
        Assert.Equal([0, -Linux.ENODEV, -Linux.ENODEV, 0, 0, -Linux.ENODEV, 0, -Linux.EINVAL], results);
        Assert.Equal([2, 2, 2, 0, 1], indexes);
    }

    [Fact]
    public void ASocketBoundToTheLoopbackDeviceReachesNoOtherHost()
    {
        var net = new Loopback();
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TCP_CONNECT_CB)
                {
                    var lo = "lo\0"u8.ToArray();
                    skops.bpf_setsockopt(Linux.SOL_SOCKET, Linux.SO_BINDTODEVICE, lo, lo.Length);
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromSeconds(2));

        Assert.Equal(Tcp.TcpState.SynSent, client.State);
        Assert.Equal(0, net.ClientToServer.Statistics.PacketsEnqueued);
        Assert.True(net.Client.PacketsUnroutable >= 2, $"{net.Client.PacketsUnroutable} SYNs dropped");
    }

    [Fact]
    public void TxRehashStartsAtTheKernelDefaultAndTakesMinusOneToOne()
    {
        var log = new List<(int, int)>();
        SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            log.Add(TryGet(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH));
            log.Add((Set(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH, 2), 0));
            log.Add((Set(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH, 0), SockoptTests.Get(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH)));
            log.Add((Set(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH, -1), SockoptTests.Get(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH)));
        });

        // SOCK_TXREHASH_DEFAULT (255); -1 takes net.core.txrehash, which is 1.
        Assert.Equal([(0, 255), (-Linux.EINVAL, 0), (0, 0), (0, 1)], log);
    }

    [Theory]
    [InlineData(6, 1, 106496)]
    [InlineData(5, 15, int.MaxValue)]
    public void RcvlowatIsCappedAtHalfTheLockedBufferOnlyFromLinux61(int major, int minor, int expected)
    {
        var read = 0;
        SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            // SO_RCVBUF 106496 locks sk_rcvbuf at 212992; tcp_set_rcvlowat() then caps at half of it.
            Assert.Equal(0, Set(skops, Linux.SOL_SOCKET, Linux.SO_RCVBUF, 106496));
            Assert.Equal(0, Set(skops, Linux.SOL_SOCKET, Linux.SO_RCVLOWAT, -1));
            read = skops.Connection.ReceiveLowWatermark;
        }, version: new KernelVersion(major, minor));

        Assert.Equal(expected, read);
    }

    [Fact]
    public void BeforeLinux61MostOptionsAreSetOnlyAndTheNewOnesUnknown()
    {
        var log = new List<int>();
        SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            log.Add(Set(skops, Linux.SOL_TCP, Linux.TCP_KEEPIDLE, 100));
            log.Add(TryGet(skops, Linux.SOL_TCP, Linux.TCP_KEEPIDLE).Result);
            log.Add(Set(skops, Linux.SOL_TCP, Linux.TCP_NOTSENT_LOWAT, 4096));
            log.Add(TryGet(skops, Linux.SOL_TCP, Linux.TCP_NOTSENT_LOWAT).Result);
            log.Add(Set(skops, Linux.SOL_SOCKET, Linux.SO_MARK, 7));
            log.Add(TryGet(skops, Linux.SOL_SOCKET, Linux.SO_MARK).Value);
            log.Add(Set(skops, Linux.SOL_TCP, Linux.TCP_THIN_LINEAR_TIMEOUTS, 1));
            log.Add(Set(skops, Linux.SOL_SOCKET, Linux.SO_REUSEADDR, 1));
            log.Add(Set(skops, Linux.SOL_TCP, Linux.TCP_SAVE_SYN, 2));
        }, version: Linux515);

        Assert.Equal([0, -Linux.EINVAL, 0, -Linux.EINVAL, 0, 7, -Linux.EINVAL, -Linux.EINVAL, -Linux.EINVAL], log);
    }

    [Fact]
    public void Ipv6OptionsAreRefusedOnTheIpv4Sockets()
    {
        var results = new List<int>();
        SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            results.Add(Set(skops, Linux.SOL_IPV6, Linux.IPV6_AUTOFLOWLABEL, 1));
            results.Add(TryGet(skops, Linux.SOL_IPV6, Linux.IPV6_AUTOFLOWLABEL).Result);
        });

        Assert.Equal([-Linux.EINVAL, -Linux.EINVAL], results);
    }

    [Fact]
    public void TcpBpfSynReadsTheSavedSynsHeadersAndNoLinkLayerHeader()
    {
        var net = new Loopback();
        var results = new List<int>();
        var tcpHeader = new byte[60];
        var ipAndTcp = new byte[80];
        net.ServerPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TCP_LISTEN_CB)
                {
                    Set(skops, Linux.SOL_TCP, Linux.TCP_SAVE_SYN, 1);
                }
                else if (skops.op == Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
                {
                    results.Add(skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN, tcpHeader, tcpHeader.Length));
                    results.Add(skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN_IP, ipAndTcp, ipAndTcp.Length));
                    results.Add(skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN_MAC, ipAndTcp.ToArray(), ipAndTcp.Length));
                    var small = new byte[24];
                    results.Add(skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN, small, small.Length));
                    results.Add(small[0] << 8 | small[1]);
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        // The SYN's TCP header is 40 bytes (MSS, SACK-permitted, timestamps, window scale); with the
        // IPv4 header 60. No link-layer header was saved; 24 bytes get -ENOSPC with the first 24 copied.
        Assert.Equal([40, 60, -Linux.ENOENT, -Linux.ENOSPC, client.LocalPort], results);
        Assert.Equal(ipAndTcp.AsSpan(20, 40).ToArray(), tcpHeader[..40]);
        Assert.Equal(0x45, ipAndTcp[0]);
        Assert.All(tcpHeader[40..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void TcpBpfSynInASynAcksOptionOpsReadsTheSynBeingAnsweredWithoutSavingIt()
    {
        var net = new Loopback();
        var results = new List<(uint Op, int Syn, int SynMac)>();
        var buffer = new byte[80];
        net.ServerPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_TCP_LISTEN_CB)
                {
                    skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_WRITE_HDR_OPT_CB_FLAG);
                }
                else if (skops.op is Linux.BPF_SOCK_OPS_HDR_OPT_LEN_CB or Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB)
                {
                    results.Add((skops.op,
                        skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN, buffer, buffer.Length),
                        skops.bpf_getsockopt(Linux.SOL_TCP, Linux.TCP_BPF_SYN_MAC, buffer, buffer.Length)));
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        // The SYN-ACK's op has syn_skb (no link-layer header: _MAC gives IP and TCP); the child, with nothing saved, has none.
        Assert.Equal(((uint)Linux.BPF_SOCK_OPS_HDR_OPT_LEN_CB, 40, 60), results[0]);
        Assert.Equal(((uint)Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, -Linux.ENOENT, -Linux.ENOENT), results.Single(r => r.Op == Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB));
    }

    [Theory]
    [InlineData(-1, true)]
    [InlineData(0, false)]
    public void SkTxhashIsTheSocketsOwnAndEachTimeoutRehashesItUnlessTxrehashIsOff(int txrehash, bool rehashes)
    {
        // The path loses everything after the handshake: a written segment times out again and again.
        var loss = new Sim.Network.Loss.ScheduledLoss();
        var net = new Loopback(forwardLoss: loss);
        var hashes = new List<(uint Op, uint Hash)>();
        net.ClientPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
                {
                    Set(skops, Linux.SOL_SOCKET, Linux.SO_TXREHASH, txrehash);
                    skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_RTO_CB_FLAG);
                }

                hashes.Add((skops.op, skops.sk_txhash));
                return 1;
            },
        });
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => net.Then(() =>
        {
            loss.Outage = true;
            c.Write(100);
        });
        net.Simulation.Run(SimTime.FromSeconds(10));

        // One hash from connect() to the first timeout (net_tx_rndhash(): random, not 0); then a new
        // one after each timeout, which RTO_CB (run before tcp_write_timeout() rethinks it) sees next time.
        var first = hashes[0].Hash;
        Assert.NotEqual(0u, first);
        Assert.All(hashes.TakeWhile(h => h.Op != Linux.BPF_SOCK_OPS_RTO_CB), h => Assert.Equal(first, h.Hash));
        var atTimeouts = hashes.Where(h => h.Op == Linux.BPF_SOCK_OPS_RTO_CB).Select(h => h.Hash).ToList();
        Assert.True(atTimeouts.Count >= 3, $"{atTimeouts.Count} timeouts");
        Assert.Equal(first, atTimeouts[0]);
        Assert.Equal(rehashes ? atTimeouts.Count : 1, atTimeouts.Distinct().Count());
        Assert.Equal(atTimeouts[^1] == client.TxHash, !rehashes);
    }

    [Fact]
    public void AProgramsWriteToSkTxhashStaysWithTheSocket()
    {
        var read = 0u;
        var client = SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
        {
            skops.sk_txhash = 0x12345f;
            read = skops.sk_txhash;
        });

        Assert.Equal((0x12345fu, 0x12345fu), (read, client.TxHash));
    }
}
