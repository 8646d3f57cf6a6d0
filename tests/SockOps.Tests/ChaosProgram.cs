using NetSim.Tcp.Congestion;

namespace NetSim.SockOps.Tests;

/// <summary>
/// A sock_ops program that does, at random, what a program may do at every op: answer
/// TIMEOUT_INIT, RWND_INIT, NEEDS_ECN and BASE_RTT with any value, reserve and write header
/// options, set any callback flags, and bpf_setsockopt() buffers, window and cwnd clamps, the
/// initial window, Nagle, minimum RTO, delayed-ACK maximum, pacing rate, unsent low water mark and
/// the congestion control. Only what would make a connection legitimately fail (a user timeout)
/// or crawl (a pacing rate below 100 KB/s) is left out. Its choices come from its own xorshift
/// stream, so a run is reproducible from the seed.
/// </summary>
internal sealed class ChaosProgram(ulong seed) : SockOpsProgram
{
    private ulong _state = (seed * 0x9E3779B97F4A7C15UL) | 1;

    public override string Name => "chaos";

    public int Calls { get; private set; }

    public override int Run(SockOpsContext skops)
    {
        Calls++;
        var roll = Next();
        switch (skops.op)
        {
            case Linux.BPF_SOCK_OPS_TIMEOUT_INIT when roll % 2 == 0:
                skops.reply = 20 + (roll % 2000);
                break;
            case Linux.BPF_SOCK_OPS_RWND_INIT when roll % 2 == 0:
                skops.reply = roll % 100;
                break;
            case Linux.BPF_SOCK_OPS_NEEDS_ECN:
                skops.reply = roll & 1;
                break;
            case Linux.BPF_SOCK_OPS_BASE_RTT:
                skops.reply = roll % 100_000;
                break;
            case Linux.BPF_SOCK_OPS_HDR_OPT_LEN_CB:
                skops.bpf_reserve_hdr_opt(4 + (roll % 16), 0);
                break;
            case Linux.BPF_SOCK_OPS_WRITE_HDR_OPT_CB:
                // An experimental option (RFC 6994): kind 254, its length, magic 0xeb9f, then data.
                var length = 4 + (int)(roll % 8);
                var option = new byte[length];
                option[0] = 254;
                option[1] = (byte)length;
                option[2] = 0xeb;
                option[3] = 0x9f;
                skops.bpf_store_hdr_opt(option, (uint)length, 0);
                break;
            default:
                if (roll % 3 == 0)
                {
                    skops.bpf_sock_ops_cb_flags_set((int)(Next() & 0x7f));
                }

                if (roll % 5 == 0)
                {
                    SetSomeOption(skops, Next());
                }

                break;
        }

        return 1;
    }

    private static void SetSomeOption(SockOpsContext skops, uint value)
    {
        var names = CongestionControlRegistry.Names;
        _ = (value % 11) switch
        {
            0 => skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_SNDBUF, 2048 + (int)(value % 1_000_000)),
            1 => skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_RCVBUF, 2048 + (int)(value % 1_000_000)),
            2 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, (int)(value % 200_000)),
            3 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, 1 + (int)(value % 200)),
            4 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_IW, 1 + (int)(value % 100)),
            5 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_NODELAY, (int)(value & 1)),
            6 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_RTO_MIN, 1_000 + (int)(value % 1_000_000)),
            7 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_BPF_DELACK_MAX, 1_000 + (int)(value % 500_000)),
            8 => skops.SetSockOpt(Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, 100_000 + (int)(value % 10_000_000)),
            9 => skops.SetSockOpt(Linux.SOL_TCP, Linux.TCP_NOTSENT_LOWAT, 1 + (int)(value % 100_000)),
            _ => skops.SetCongestion(names[(int)(value / 11 % (uint)names.Count)]),
        };
    }

    private uint Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 7;
        _state ^= _state << 17;
        return (uint)(_state >> 32);
    }
}
