using NetSim.Sim.Network;

namespace NetSim.Tcp.Hooks;

/// <summary>
/// The segment a sock_ops header-option op works on (struct bpf_sock_ops_kern's skb, syn_skb and
/// remaining_opt_len, net/ipv4/tcp_output.c and tcp_input.c): the segment received (PARSE_HDR_OPT,
/// the ESTABLISHED callbacks) or being built (HDR_OPT_LEN, WRITE_HDR_OPT), the SYN a SYN-ACK
/// answers, and the option space left. In WRITE_HDR_OPT the program's options go into the
/// segment's <see cref="Packet.ExtraOptions"/> from <see cref="Written"/> on.
/// </summary>
public sealed class HeaderOptionSegment
{
    /// <summary>The segment (skb); null for the current-MSS query.</summary>
    public Packet? Packet { get; private set; }

    /// <summary>The SYN being answered with a SYN-ACK (syn_skb), else null.</summary>
    public Packet? Syn { get; private set; }

    /// <summary>Option bytes the program may still reserve or write (remaining_opt_len).</summary>
    public int Remaining { get; set; }

    /// <summary>In WRITE_HDR_OPT: bytes the program has written after the kernel's options.</summary>
    public int Written { get; set; }

    /// <summary>The segment is outgoing and its header not yet written (HDR_OPT_LEN_CB): skb_data is not available.</summary>
    public bool Outgoing { get; private set; }

    /// <summary>A program returned other than 1: the kernel then ignores what the op reserved (the run's -EPERM).</summary>
    public bool Failed { get; set; }

    /// <summary>Sets the fields for one op; the object is reused, so the hot path allocates nothing.</summary>
    public HeaderOptionSegment For(Packet? packet, Packet? syn, int remaining, bool outgoing)
    {
        Packet = packet;
        Syn = syn;
        Remaining = remaining;
        Written = 0;
        Outgoing = outgoing;
        Failed = false;
        return this;
    }
}
