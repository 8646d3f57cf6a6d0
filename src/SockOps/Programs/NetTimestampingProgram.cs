using System.Globalization;
using NetSim.SockOps.Maps;
using static NetSim.SockOps.Linux;

namespace NetSim.SockOps.Programs;

/// <summary>
/// builtin:net_timestamping, the sockops program of the kernel selftest net_timestamping
/// (tools/testing/selftests/bpf/progs/net_timestamping.c): ACTIVE_ESTABLISHED turns on
/// SK_BPF_CB_TX_TIMESTAMPING; each timestamping callback checks that the locked-socket helpers
/// refuse with -EOPNOTSUPP, then records its delay from the previous stage in a map keyed by socket
/// cookie and tskey. The selftest's fentry on tcp_sendmsg_locked(), which stamps the write, is
/// folded into TSTAMP_SENDMSG_CB, which tcp_sendmsg_locked() reaches at the same instant. Each
/// write followed to its ACK prints its three delays in ns to sockops_output.csv: in the stack
/// before the device (sched), in the device queue (snd_sw), and on to the ACK (ack).
/// </summary>
public sealed class NetTimestampingProgram : SockOpsProgram
{
    private const ulong DelayToleranceNs = 10_000_000_000;

    public sealed class DelayInfo
    {
        public ulong SendmsgNs { get; set; }
        public uint SchedDelay { get; set; }
        public uint SndSwDelay { get; set; }
        public uint AckDelay { get; set; }
    }

    private BpfHashMap<(ulong Cookie, uint TsKey), DelayInfo>? _timeMap;

    public int NrActive { get; private set; }
    public int NrSnd { get; private set; }
    public int NrSched { get; private set; }
    public int NrTxSw { get; private set; }
    public int NrTxHw { get; private set; }
    public int NrAck { get; private set; }

    /// <summary>Each completed record, as the ACK callback leaves it.</summary>
    public List<((ulong Cookie, uint TsKey) Key, DelayInfo Delays)> Completed { get; } = [];

    /// <summary>The hardware timestamps seen, with bpf_ktime_get_ns() at the callback.</summary>
    public List<(ulong HwTstamp, ulong Now)> HardwareStamps { get; } = [];

    public override string Name => BuiltinPrograms.Prefix + "net_timestamping";

    public override int Run(SockOpsContext skops)
    {
        _timeMap ??= skops.Maps.Hash<(ulong, uint), DelayInfo>("time_map", 1024);
        if (skops.sk is null || bpf_tcp_sock(skops.sk) is null)
        {
            return 1;
        }

        switch (skops.op)
        {
            case BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                NrActive += TestSockopt(skops, 0) ? 0 : 1;
                break;
            case BPF_SOCK_OPS_TSTAMP_SENDMSG_CB:
                NrSnd += TestDelay(skops) ? 1 : 0;
                break;
            case BPF_SOCK_OPS_TSTAMP_SCHED_CB:
                NrSched += TestDelay(skops) ? 1 : 0;
                break;
            case BPF_SOCK_OPS_TSTAMP_SND_SW_CB:
                NrTxSw += TestDelay(skops) ? 1 : 0;
                break;
            case BPF_SOCK_OPS_TSTAMP_SND_HW_CB:
                HardwareStamps.Add((skops.skb_hwtstamp, skops.bpf_ktime_get_ns()));
                NrTxHw++;
                break;
            case BPF_SOCK_OPS_TSTAMP_ACK_CB:
                NrAck += TestDelay(skops) ? 1 : 0;
                break;
        }

        return 1;
    }

    /// <summary>bpf_test_sockopt(): set and read back SK_BPF_CB_FLAGS, each returning <paramref name="expected"/>; true on failure.</summary>
    private static bool TestSockopt(SockOpsContext skops, int expected)
    {
        if (skops.SetSockOpt(SOL_SOCKET, SK_BPF_CB_FLAGS, SK_BPF_CB_TX_TIMESTAMPING) != expected)
        {
            return true;
        }

        var value = new byte[4];
        return skops.bpf_getsockopt(SOL_SOCKET, SK_BPF_CB_FLAGS, value, 4) != expected
            || (expected == 0 && BitConverter.ToInt32(value) != SK_BPF_CB_TX_TIMESTAMPING);
    }

    /// <summary>bpf_test_access_bpf_calls(): true when a helper the timestamping callbacks may not use did not refuse.</summary>
    private static bool AccessBpfCalls(SockOpsContext skops) =>
        TestSockopt(skops, -EOPNOTSUPP)
        || skops.bpf_load_hdr_opt(new byte[3], 3, 0) != -EOPNOTSUPP
        || skops.bpf_sock_ops_cb_flags_set(0) != -EOPNOTSUPP;

    /// <summary>bpf_test_delay().</summary>
    private bool TestDelay(SockOpsContext skops)
    {
        var timestamp = skops.bpf_ktime_get_ns();
        if (AccessBpfCalls(skops))
        {
            return false;
        }

        var cookie = skops.bpf_get_socket_cookie();
        if (skops.op == BPF_SOCK_OPS_TSTAMP_SENDMSG_CB)
        {
            skops.bpf_sock_ops_enable_tx_tstamp(0);
            if (skops.skb_tskey == 0)
            {
                return false;
            }

            _timeMap!.bpf_map_update_elem((cookie, skops.skb_tskey), new DelayInfo { SendmsgNs = timestamp }, BPF_ANY);
            return true;
        }

        var key = (cookie, skops.skb_tskey);
        if (key.skb_tskey == 0 || _timeMap!.bpf_map_lookup_elem(key) is not { } value)
        {
            return false;
        }

        ulong delay;
        switch (skops.op)
        {
            case BPF_SOCK_OPS_TSTAMP_SCHED_CB:
                value.SchedDelay = (uint)(timestamp - value.SendmsgNs);
                delay = value.SchedDelay;
                break;
            case BPF_SOCK_OPS_TSTAMP_SND_SW_CB:
                value.SndSwDelay = (uint)(timestamp - (value.SchedDelay + value.SendmsgNs));
                delay = value.SndSwDelay;
                break;
            default:
                value.AckDelay = (uint)(timestamp - (value.SndSwDelay + value.SchedDelay + value.SendmsgNs));
                delay = value.AckDelay;
                break;
        }

        if (delay >= DelayToleranceNs)
        {
            return false;
        }

        if (skops.op == BPF_SOCK_OPS_TSTAMP_ACK_CB)
        {
            _timeMap.bpf_map_delete_elem(key);
            Completed.Add((key, value));
            skops.bpf_output(string.Create(CultureInfo.InvariantCulture,
                $"tskey={key.skb_tskey} sched_delay_ns={value.SchedDelay} snd_sw_delay_ns={value.SndSwDelay} ack_delay_ns={value.AckDelay}"));
        }

        return true;
    }
}
