using NetSim.Sim.Network;

namespace NetSim.Tcp.Hooks;

/// <summary>
/// The segment a sock_ops op works on (struct bpf_sock_ops_kern's skb, syn_skb and
/// remaining_opt_len). For the header-option ops (net/ipv4/tcp_output.c and tcp_input.c): the
/// segment received (PARSE_HDR_OPT, the ESTABLISHED callbacks) or being built (HDR_OPT_LEN,
/// WRITE_HDR_OPT), the SYN a SYN-ACK answers, and the option space left; in WRITE_HDR_OPT the
/// program's options go into the segment's <see cref="Packet.ExtraOptions"/> from
/// <see cref="Written"/> on. For the TX timestamping ops (6.15, bpf_skops_tx_timestamping()): the
/// timestamped segment, its tskey, its skb->len and, for SND_HW, the hardware timestamp.
/// </summary>
public sealed class SockOpsSkb
{
    /// <summary>The segment (skb); null for the current-MSS query and where the skb is not yet a segment.</summary>
    public Packet? Packet { get; private set; }

    /// <summary>The SYN being answered with a SYN-ACK (syn_skb), else null.</summary>
    public Packet? Syn { get; private set; }

    /// <summary>Option bytes the program may still reserve or write (remaining_opt_len).</summary>
    public int Remaining { get; set; }

    /// <summary>In WRITE_HDR_OPT: bytes the program has written after the kernel's options.</summary>
    public int Written { get; set; }

    /// <summary>The segment's TCP header is not available to the program (HDR_OPT_LEN_CB: not yet written; the timestamping ops: skb_data_end is skb_data).</summary>
    public bool Outgoing { get; private set; }

    /// <summary>A program returned other than 1: the kernel then ignores what the op reserved (the run's -EPERM).</summary>
    public bool Failed { get; set; }

    /// <summary>skb->len where it is not the TCP header and payload: the timestamping ops' (the IP packet at the device, the payload in the write or retransmission queue).</summary>
    public int? Length { get; private set; }

    /// <summary>skb_shinfo(skb)->tskey: the sequence number of the last byte of the write being timestamped.</summary>
    public uint TsKey { get; private set; }

    /// <summary>skb_shinfo(skb)->hwtstamps in ns: the hardware timestamp of TSTAMP_SND_HW_CB, else 0.</summary>
    public long HardwareTimestampNs { get; private set; }

    /// <summary>bpf_sock_ops_enable_tx_tstamp() was called in TSTAMP_SENDMSG_CB: the write's last byte is timestamped from here on.</summary>
    public bool TxTimestampRequested { get; set; }

    /// <summary>Sets the fields for a header-option op; the object is reused, so the hot path allocates nothing.</summary>
    public SockOpsSkb For(Packet? packet, Packet? syn, int remaining, bool outgoing)
    {
        Packet = packet;
        Syn = syn;
        Remaining = remaining;
        Written = 0;
        Outgoing = outgoing;
        Failed = false;
        Length = null;
        TsKey = 0;
        HardwareTimestampNs = 0;
        TxTimestampRequested = false;
        return this;
    }

    /// <summary>Sets the fields for a TX timestamping op: the segment (null in the queues), tskey, skb->len and any hardware timestamp.</summary>
    public SockOpsSkb ForTimestamp(Packet? packet, uint tsKey, int length, long hardwareTimestampNs)
    {
        For(packet, null, 0, outgoing: true);
        TsKey = tsKey;
        Length = length;
        HardwareTimestampNs = hardwareTimestampNs;
        return this;
    }
}
