using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// A program that starts reserving header-option space mid-connection shrinks the current MSS, and
/// segments already sent at the old size must still fit the path when they are retransmitted:
/// Linux's __tcp_retransmit_skb() cuts such a segment to tcp_current_mss() with tcp_fragment()
/// and sends the first part, the rest staying queued as a segment of its own.
/// </summary>
public class HeaderOptionRetransmissionTests
{
    /// <summary>At the first RTO, turns WRITE_HDR_OPT on and from then reserves 12 bytes on every segment.</summary>
    private sealed class ReserveAfterTimeoutProgram : SockOpsProgram
    {
        public override string Name => "reserve_after_rto";

        public override int Run(SockOpsContext skops)
        {
            switch (skops.Op)
            {
                case SockOp.TcpConnectCb:
                    skops.CbFlagsSet(SockOpsCallbackFlags.Rto);
                    break;
                case SockOp.RtoCb:
                    skops.CbFlagsSet(SockOpsCallbackFlags.Rto | SockOpsCallbackFlags.WriteHdrOpt);
                    break;
                case SockOp.HdrOptLenCb:
                    skops.bpf_reserve_hdr_opt(12, 0);
                    break;
                case SockOp.WriteHdrOptCb:
                    skops.bpf_store_hdr_opt([254, 4, 0xeB, 0x9F], 4, 0);
                    break;
            }

            return 1;
        }
    }

    [Fact]
    public void SegmentsSentBeforeTheReservationAreCutToTheNewMssWhenRetransmitted()
    {
        var blackout = new DataBlackout();
        var net = new Loopback(forwardLoss: blackout);
        blackout.Clock = net.Simulation;
        net.ClientPrograms.Attach(new ReserveAfterTimeoutProgram());
        var sent = new List<(int Payload, int Size, bool Psh)>();
        net.ClientToServer.TransmissionStarted = (_, p) => sent.Add((p.PayloadLength, p.SizeBytes, (p.Flags & TcpFlags.Psh) != 0));
        long received = 0;
        var listener = net.ServerStack.Listen(80);
        listener.Accepted = child => child.DataReceived = (c, _, n) =>
        {
            received += n;
            c.Read(long.MaxValue);
        };
        const int bytes = 200_000;
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        client.Established = c => c.Write(bytes);

        net.Simulation.Run(SimTime.FromSeconds(10));

        Assert.Equal(bytes, received);
        Assert.True(client.Statistics.TotalRetransmissions > 0);
        Assert.All(sent, s => Assert.True(s.Size <= 1500, $"a {s.Size}-byte packet on a 1500-byte path"));
        // Full segments before the reservation carry 1448 bytes, after it 1436; the 1448-byte
        // retransmissions were cut into 1436 and 12.
        Assert.Contains(sent, s => s.Payload == 1448);
        Assert.Contains(sent, s => s.Payload == 1436);
        Assert.Contains(sent, s => s.Payload == 12);
    }
}
