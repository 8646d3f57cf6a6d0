using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// RETRANS_CB as __tcp_retransmit_skb() calls it: once per retransmitted skb, after the send, with
/// the skb's first sequence number, its segment count and the transmit result. After a timeout the
/// window reopens two segments at a time, and a lost run of two goes again as one TSO packet: one
/// callback with two segments, not two with one.
/// </summary>
public class RetransCallbackTests
{
    [Fact]
    public void EachRetransmittedPacketCallsOnceWithItsSegmentCount()
    {
        var blackout = new DataBlackout();
        var net = new Loopback(forwardLoss: blackout);
        blackout.Clock = net.Simulation;
        var program = new RecordingProgram(SockOpsCallbackFlags.Retrans);
        net.ClientPrograms.Attach(program);
        net.ServerStack.Listen(80).Accepted = child => child.DataReceived = (c, _, _) => c.Read(long.MaxValue);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(200_000);

        net.Simulation.Run(SimTime.FromSeconds(10));

        var callbacks = program.Calls.Where(c => c.Op == SockOp.RetransCb).ToList();
        Assert.Equal(client.Statistics.TotalRetransmissions, callbacks.Sum(c => (long)c.Arg1));
        Assert.Contains(callbacks, c => c.Arg1 > 1);
        Assert.All(callbacks, c => Assert.Equal(0u, c.Arg2));
        Assert.True(callbacks.Count < client.Statistics.TotalRetransmissions, $"{callbacks.Count} callbacks for {client.Statistics.TotalRetransmissions} segments");
    }
}
