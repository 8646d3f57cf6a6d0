using System.Text;
using static NetSim.SockOps.Linux;

namespace NetSim.SockOps.Tests;

/// <summary>
/// The sockops program of the kernel selftest setget_sockopt
/// (tools/testing/selftests/bpf/progs/setget_sockopt.c, skops_sockopt()), line by line for an
/// IPv4 TCP socket: at LISTEN, CONNECT, both ESTABLISHED callbacks and the move to CLOSE_WAIT it
/// reads every option, sets a new value, reads it back, and restores the old one; each callback
/// counts itself only when every step succeeded.
/// </summary>
internal sealed class SetgetSockoptProgram : SockOpsProgram
{
    private sealed record SockoptTest(int Opt, int New = 0, int Restore = 0, int Expected = 0, int TcpExpected = 0, bool Flip = false);

    private static readonly SockoptTest[] SolSocketTests =
    [
        new(SO_REUSEADDR, Flip: true),
        new(SO_SNDBUF, New: 8123, Expected: 8123 * 2),
        new(SO_RCVBUF, New: 8123, Expected: 8123 * 2),
        new(SO_KEEPALIVE, Flip: true),
        new(SO_PRIORITY, New: 0xeb9f, Expected: 0xeb9f),
        new(SO_REUSEPORT, Flip: true),
        new(SO_RCVLOWAT, New: 8123, Expected: 8123),
        new(SO_MARK, New: 0xeb9f, Expected: 0xeb9f),
        new(SO_MAX_PACING_RATE, New: 0xeb9f, Expected: 0xeb9f),
        new(SO_TXREHASH, Flip: true),
    ];

    private static readonly SockoptTest[] SolTcpTests =
    [
        new(TCP_NODELAY, Flip: true),
        new(TCP_KEEPIDLE, New: 123, Expected: 123, Restore: 321),
        new(TCP_KEEPINTVL, New: 123, Expected: 123, Restore: 321),
        new(TCP_KEEPCNT, New: 123, Expected: 123, Restore: 124),
        new(TCP_SYNCNT, New: 123, Expected: 123, Restore: 124),
        new(TCP_WINDOW_CLAMP, New: 8123, Expected: 8123, Restore: 8124),
        new(TCP_CONGESTION),
        new(TCP_THIN_LINEAR_TIMEOUTS, Flip: true),
        new(TCP_USER_TIMEOUT, New: 123400, Expected: 123400),
        new(TCP_NOTSENT_LOWAT, New: 1314, Expected: 1314),
    ];

    private static readonly SockoptTest[] SolIpTests = [new(IP_TOS, New: 0xe1, Expected: 0xe1, TcpExpected: 0xe0)];

    public int NrListen { get; private set; }

    public int NrPassive { get; private set; }

    public int NrActive { get; private set; }

    public int NrConnect { get; private set; }

    public int NrFinWait1 { get; private set; }

    /// <summary>Each option whose test failed, with the op it failed in, for a readable assertion.</summary>
    public List<string> Failures { get; } = [];

    public override string Name => "test:setget_sockopt";

    public override int Run(SockOpsContext skops)
    {
        switch (skops.op)
        {
            case BPF_SOCK_OPS_TCP_LISTEN_CB:
                NrListen += Ok(TestSockopt(skops) || TestTcpMaxseg(skops) || TestTcpSavedSyn(skops));
                break;
            case BPF_SOCK_OPS_TCP_CONNECT_CB:
                NrConnect += Ok(TestSockopt(skops) || TestTcpMaxseg(skops));
                break;
            case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                NrActive += Ok(TestSockopt(skops) || TestTcpMaxseg(skops));
                break;
            case BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
                NrPassive += Ok(TestSockopt(skops) || TestTcpMaxseg(skops) || TestTcpSavedSyn(skops));
                skops.bpf_sock_ops_cb_flags_set((int)skops.bpf_sock_ops_cb_flags | BPF_SOCK_OPS_STATE_CB_FLAG);
                break;
            case BPF_SOCK_OPS_STATE_CB:
                if (skops.args[1] == BPF_TCP_CLOSE_WAIT)
                {
                    NrFinWait1 += Ok(TestSockopt(skops));
                }

                break;
        }

        return 1;
    }

    private static int Ok(bool failed) => failed ? 0 : 1;

    /// <summary>bpf_test_sockopt(): true when any test failed.</summary>
    private bool TestSockopt(SockOpsContext skops)
    {
        foreach (var test in SolSocketTests)
        {
            if (RunTest(skops, test, SOL_SOCKET))
            {
                return true;
            }
        }

        foreach (var test in SolTcpTests)
        {
            if (test.Opt == TCP_CONGESTION ? TestCongestion(skops) && Fail(skops, "SOL_TCP, TCP_CONGESTION") : RunTest(skops, test, IPPROTO_TCP))
            {
                return true;
            }
        }

        foreach (var test in SolIpTests)
        {
            if (RunTest(skops, test, SOL_IP))
            {
                return true;
            }
        }

        return false;
    }

    private bool RunTest(SockOpsContext skops, SockoptTest test, int level) =>
        (test.Flip ? TestFlip(skops, test, level) : TestInt(skops, test, level)) && Fail(skops, SockoptSupport.NameOf(level, test.Opt));

    private bool Fail(SockOpsContext skops, string what)
    {
        Failures.Add($"op {skops.op}: {what}");
        return true;
    }

    /// <summary>bpf_test_sockopt_flip().</summary>
    private static bool TestFlip(SockOpsContext skops, SockoptTest test, int level)
    {
        if (Get(skops, level, test.Opt, out var old) != 0)
        {
            return true;
        }

        // The kernel initialises txrehash to 255.
        if (level == SOL_SOCKET && test.Opt == SO_TXREHASH && old != 0 && old != 1)
        {
            old = 1;
        }

        var flipped = old == 0 ? 1 : 0;
        return skops.SetSockOpt(level, test.Opt, flipped) != 0
            || Get(skops, level, test.Opt, out var read) != 0 || read != flipped
            || skops.SetSockOpt(level, test.Opt, old) != 0;
    }

    /// <summary>bpf_test_sockopt_int(): the socket is a SOCK_STREAM one, so tcp_expected wins when given.</summary>
    private static bool TestInt(SockOpsContext skops, SockoptTest test, int level)
    {
        var expected = test.TcpExpected != 0 ? test.TcpExpected : test.Expected;
        if (Get(skops, level, test.Opt, out var old) != 0 || old == test.New)
        {
            return true;
        }

        if (skops.SetSockOpt(level, test.Opt, test.New) != 0 || Get(skops, level, test.Opt, out var read) != 0 || read != expected)
        {
            return true;
        }

        return skops.SetSockOpt(level, test.Opt, test.Restore != 0 ? test.Restore : old) != 0;
    }

    /// <summary>The TCP_CONGESTION case of bpf_test_tcp_sockopt(): an unknown name fails; cubic and reno swap; the old name returns.</summary>
    private static bool TestCongestion(SockOpsContext skops)
    {
        var notExist = "not_exist\0"u8.ToArray();
        if (skops.bpf_setsockopt(IPPROTO_TCP, TCP_CONGESTION, notExist, notExist.Length) == 0)
        {
            return true;
        }

        var oldCc = new byte[16];
        if (skops.bpf_getsockopt(IPPROTO_TCP, TCP_CONGESTION, oldCc, oldCc.Length) != 0)
        {
            return true;
        }

        var newCc = CcName(oldCc) == "cubic" ? "reno\0"u8.ToArray() : "cubic\0"u8.ToArray();
        if (skops.bpf_setsockopt(IPPROTO_TCP, TCP_CONGESTION, newCc, newCc.Length) != 0)
        {
            return true;
        }

        var read = new byte[16];
        return skops.bpf_getsockopt(IPPROTO_TCP, TCP_CONGESTION, read, read.Length) != 0
            || CcName(read) != CcName(newCc)
            || skops.bpf_setsockopt(IPPROTO_TCP, TCP_CONGESTION, oldCc, oldCc.Length) != 0;
    }

    /// <summary>test_tcp_maxseg(): set 1314 before ESTABLISHED; once there, read back at most 1314.</summary>
    private static bool TestTcpMaxseg(SockOpsContext skops)
    {
        if (skops.state != BPF_TCP_ESTABLISHED)
        {
            return skops.SetSockOpt(IPPROTO_TCP, TCP_MAXSEG, 1314) != 0;
        }

        return Get(skops, IPPROTO_TCP, TCP_MAXSEG, out var mss) != 0 || mss > 1314;
    }

    /// <summary>test_tcp_saved_syn(): the listener saves SYNs; the passive side reads 20 bytes of one.</summary>
    private static bool TestTcpSavedSyn(SockOpsContext skops)
    {
        if (skops.state == BPF_TCP_LISTEN)
        {
            return skops.SetSockOpt(IPPROTO_TCP, TCP_SAVE_SYN, 1) != 0;
        }

        var saved = new byte[20];
        return skops.bpf_getsockopt(IPPROTO_TCP, TCP_SAVED_SYN, saved, saved.Length) != 0;
    }

    private static int Get(SockOpsContext skops, int level, int opt, out int value)
    {
        var buffer = new byte[sizeof(int)];
        var result = skops.bpf_getsockopt(level, opt, buffer, buffer.Length);
        value = BitConverter.ToInt32(buffer);
        return result;
    }

    private static string CcName(byte[] buffer)
    {
        var end = Array.IndexOf(buffer, (byte)0);
        return Encoding.ASCII.GetString(buffer, 0, end < 0 ? buffer.Length : end);
    }
}
