using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The passive side's callbacks when the listener answers with a SYN cookie (tcp_syncookies = 2):
/// the request socket the SYN made runs RWND_INIT and NEEDS_ECN and is freed without TIMEOUT_INIT
/// (no timer is armed for it), the SYN-ACK's header-option callbacks are told it carries a cookie
/// (BPF_WRITE_HDR_TCP_SYNACK_COOKIE), and the child the cookie ACK rebuilds has no SYN to show.
/// </summary>
public class SynCookieCallbackTests
{
    private static Loopback CookieLoopback() => new(settings: TcpSettings.Linux with { SynCookies = 2 });

    [Fact]
    public void TheRequestRunsNoTimeoutInitAndTheChildEstablishesAfterItsRttSample()
    {
        var net = CookieLoopback();
        var server = new RecordingProgram(SockOpsCallbackFlags.State | SockOpsCallbackFlags.Rtt);
        net.ServerPrograms.Attach(server);

        var (client, accepted) = TcpbpfExchange.Run(net);

        Assert.Equal(1, net.ServerStack.SynCookiesReceived);
        var handshake = server.Calls.SkipWhile(c => c.Op == SockOp.TcpListenCb).Take(5).Select(c => (c.Op, c.IsFullSock)).ToList();
        Assert.Equal(
            [
                (SockOp.RwndInit, 0u), (SockOp.NeedsEcn, 0u), (SockOp.RttCb, 1u), (SockOp.PassiveEstablishedCb, 1u), (SockOp.StateCb, 1u),
            ],
            handshake);
        Assert.DoesNotContain(server.Calls, c => c.Op == SockOp.TimeoutInit);
        Assert.Equal(1000, accepted.Statistics.BytesReceived - 1);
        Assert.Equal(500, client.Statistics.BytesReceived - 1);
    }

    [Fact]
    public void TheSynAckOptionCallbacksSayCookieAndTheChildHasNoSavedSyn()
    {
        var net = CookieLoopback();
        var synAckArgs = new List<(SockOp Op, uint Arg0, uint IsFullSock)>();
        var savedSyn = int.MinValue;
        var server = new RecordingProgram
        {
            OnRun = skops =>
            {
                switch (skops.Op)
                {
                    case SockOp.TcpListenCb:
                        skops.SetSockOpt(Linux.IPPROTO_TCP, Linux.TCP_SAVE_SYN, 1);
                        skops.CbFlagsSet(SockOpsCallbackFlags.WriteHdrOpt);
                        break;
                    case SockOp.HdrOptLenCb when skops.is_fullsock == 0:
                        skops.bpf_reserve_hdr_opt(4, 0);
                        synAckArgs.Add((skops.Op, skops.args[0], skops.is_fullsock));
                        break;
                    case SockOp.WriteHdrOptCb when skops.is_fullsock == 0:
                        synAckArgs.Add((skops.Op, skops.args[0], skops.is_fullsock));
                        break;
                    case SockOp.PassiveEstablishedCb:
                        savedSyn = skops.bpf_load_hdr_opt([2, 0, 0, 0], 4, Linux.BPF_LOAD_HDR_OPT_TCP_SYN);
                        break;
                }

                return 1;
            },
        };
        net.ServerPrograms.Attach(server);

        TcpbpfExchange.Run(net);

        Assert.Equal(
            [(SockOp.HdrOptLenCb, (uint)Linux.BPF_WRITE_HDR_TCP_SYNACK_COOKIE, 0u), (SockOp.WriteHdrOptCb, (uint)Linux.BPF_WRITE_HDR_TCP_SYNACK_COOKIE, 0u)],
            synAckArgs);
        Assert.Equal(-Linux.ENOENT, savedSyn);
    }
}
