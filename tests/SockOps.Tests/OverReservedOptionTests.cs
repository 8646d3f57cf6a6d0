using NetSim.Sim.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>
/// A program that reserves more option space when a segment is written (HDR_OPT_LEN_CB) than when
/// the MSS was computed (args[0] BPF_WRITE_HDR_TCP_CURRENT_MSS) breaks the contract bpf.h states,
/// and its full-sized segments outgrow the MTU. Linux's ip_fragment() refuses each with EMSGSIZE;
/// the simulated host drops it as too big, counted on its link, and the connection gets its data
/// across in the segments that fit, retransmitted after the losses.
/// </summary>
public class OverReservedOptionTests
{
    [Fact]
    public void SegmentsTheProgramPushesOverTheMtuAreDroppedAsTooBigAndTheTransferStillCompletes()
    {
        var net = new Loopback();
        var program = new RecordingProgram(SockOpsCallbackFlags.WriteHdrOpt)
        {
            // 4 bytes for the MSS, 12 (every 16th segment) when the segment is built.
            OnRun = skops =>
            {
                if (skops.Op == SockOp.HdrOptLenCb)
                {
                    var segment = skops.args[0] == 1 ? 0 : skops.data_segs_out;
                    skops.bpf_reserve_hdr_opt(segment % 16 == 15 ? 12u : 4u, 0);
                }

                return 1;
            },
        };
        net.ClientPrograms.Attach(program);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "bulk") { MaxBytes = 2_000_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(60));

        Assert.Equal(2_000_000, sink.BytesReceived);
        Assert.Equal(0, sink.OrderViolations);
        Assert.True(net.ClientToServer.Statistics.PacketsTooBig > 0, "no segment went over the MTU");
        Assert.True(sender.Connection!.Statistics.TotalRetransmissions >= net.ClientToServer.Statistics.PacketsTooBig);
    }
}
