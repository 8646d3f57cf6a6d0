using NetSim.Sim.Network.Wire;

namespace NetSim.SockOps;

/// <summary>
/// The SYN's headers as sock_ops reads them (net/core/filter.c bpf_sock_ops_get_syn()): in the
/// option ops of a SYN-ACK, the SYN it answers (syn_skb); otherwise the SYN the listener saved
/// with TCP_SAVE_SYN. getsockopt(TCP_BPF_SYN) gives its TCP header, TCP_BPF_SYN_IP the IP and TCP
/// headers, TCP_BPF_SYN_MAC the link-layer header too. The simulated links carry no link-layer
/// header: a SYN being answered has one of length 0, and a saved SYN none (-ENOENT), as when
/// TCP_SAVE_SYN kept no MAC header.
/// </summary>
public sealed partial class SockOpsContext
{
    /// <summary>The headers <paramref name="optname"/> asks for, their length, or -ENOENT without a SYN.</summary>
    private int GetSyn(int optname, out ReadOnlySpan<byte> headers)
    {
        headers = default;
        byte[] wire;
        if (_segment?.Syn is { } syn)
        {
            wire = WireEncoder.Encode(syn);
        }
        else if (_connection.SavedSyn is { } saved && optname != Linux.TCP_BPF_SYN_MAC)
        {
            wire = saved;
        }
        else
        {
            return -Linux.ENOENT;
        }

        var ipHeader = (wire[0] & 0x0F) * 4;
        var tcpHeader = (wire[ipHeader + 12] >> 4) * 4;
        headers = optname == Linux.TCP_BPF_SYN ? wire.AsSpan(ipHeader, tcpHeader) : wire.AsSpan(0, ipHeader + tcpHeader);
        return headers.Length;
    }

    /// <summary>
    /// bpf_sock_ops_getsockopt() for TCP_BPF_SYN*: the headers' length on success, -ENOSPC (with the
    /// first optlen bytes copied) when they do not fit, -ENOENT without a SYN; what is not copied is zeroed.
    /// </summary>
    private int GetSynHeaders(int optname, Span<byte> value)
    {
        var result = GetSyn(optname, out var headers);
        var copied = 0;
        if (result > 0)
        {
            copied = Math.Min(result, value.Length);
            if (copied < result)
            {
                result = -Linux.ENOSPC;
            }

            headers[..copied].CopyTo(value);
        }

        value[copied..].Clear();
        return result;
    }
}
