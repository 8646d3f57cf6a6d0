using System.Numerics;
using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The truesize of the skb a tun device makes of a packet packetdrill writes (tun_get_user(),
/// tun_alloc_skb(), alloc_skb_with_frags() on x86-64): the packet whole in a kmalloc'd head when
/// it fits a page with NET_SKB_PAD in front, else a head of SKB_MAX_HEAD(NET_SKB_PAD) = 3712
/// bytes and the rest in page fragments of decreasing order up to order 3. A head's truesize is
/// its allocation (the small-head cache's 640 bytes, else a power of two) and struct sk_buff's
/// 256; a fragment counts its whole pages. TCP's scaling ratio is measured from these.
/// </summary>
internal static class TunSkbTruesize
{
    private const int PageSize = 4096;
    private const int NetSkbPad = 64;
    private const int SharedInfo = 320;
    private const int SkBuff = 256;
    private const int SmallHead = 640;
    private const int MaxHead = PageSize - NetSkbPad - SharedInfo;
    private const int MaxPageOrder = 3;

    public static int Of(Packet packet)
    {
        var length = packet.SizeBytes;
        var linear = NetSkbPad + length < PageSize ? length : Math.Min(MaxHead, length);
        var head = Align64(NetSkbPad + linear) + SharedInfo;
        var truesize = (head <= SmallHead ? SmallHead : (int)BitOperations.RoundUpToPowerOf2((uint)head)) + SkBuff;
        var rest = length - linear;
        var order = MaxPageOrder;
        while (rest > 0)
        {
            while (order > 0 && Align(rest, PageSize) < PageSize << order)
            {
                order--;
            }

            truesize += PageSize << order;
            rest -= Math.Min(rest, PageSize << order);
        }

        return truesize;
    }

    private static int Align64(int bytes) => Align(bytes, 64);

    private static int Align(int bytes, int unit) => (bytes + unit - 1) / unit * unit;
}
