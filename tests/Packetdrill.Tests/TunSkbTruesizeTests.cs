using NetSim.Packetdrill.Runner;
using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Tests;

/// <summary>
/// The truesize of a tun skb, against the receive windows the kernel's selftests expect of it:
/// tcp_rcv_big_endseq (4000 bytes), tcp_ooo_rcv_mss (9000) and tcp_rcv_toobig (20000).
/// </summary>
public class TunSkbTruesizeTests
{
    [Theory]
    // 1040 bytes fit a page with NET_SKB_PAD: one kmalloc-2048 head and struct sk_buff.
    [InlineData(1000, 2304)]
    // Past a page: a 3712-byte head (kmalloc-4096, 4352 with struct sk_buff) and the rest in pages.
    [InlineData(4000, 8448)]
    [InlineData(9000, 12544)]
    [InlineData(20000, 20736)]
    // 36328 bytes beyond the head: an order-3 page (32 KiB), then an order-0 one.
    [InlineData(40000, 41216)]
    public void ATunSkbCountsItsHeadAllocationAndWholePages(int payload, int truesize)
    {
        var packet = new Packet { PayloadLength = payload };

        Assert.Equal(truesize, TunSkbTruesize.Of(packet));
    }
}
