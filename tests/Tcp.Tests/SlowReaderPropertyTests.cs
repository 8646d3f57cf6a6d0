using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// A receiver that reads slowly from a small buffer, over a lossy, reordering path: the window
/// closes and opens again (zero-window probes, tcp_cleanup_rbuf()'s window updates, receiver and
/// sender silly window avoidance, a window that may shrink), and still every byte arrives once and
/// in order and both ends close. The reader closes only once it has read everything: a close with
/// unread data would reset the connection (tcp_close()).
/// </summary>
public class SlowReaderPropertyTests
{
    [Property(MaxTest = 300)]
    public Property ASlowReaderWithASmallBufferGetsEveryByte(
        PositiveInt seed, byte algorithm, byte buffer, byte chunk, byte interval, byte lossPermille, byte reorderPercent, byte size, bool shrinkWindow)
    {
        var receiveBuffer = 2048 + (buffer * 256);
        var settings = TcpSettings.Linux with
        {
            Congestion = CongestionControlRegistry.Names[algorithm % CongestionControlRegistry.Names.Count],
            ReceiveBuffer = receiveBuffer,
            ShrinkWindow = shrinkWindow,
        };
        var readBytes = 100 + (chunk * 64);
        var readEvery = SimTime.FromMilliseconds(1 + (interval % 100));
        var loss = lossPermille % 30 / 1000.0;
        var reorder = reorderPercent % 5 / 100.0;
        var bytes = 1 + (size * 2_000L);
        var path = new HostilePath((ulong)seed.Get, settings, bytes, 50, loss, 0, reorder, SimTime.Zero, 0);
        var listener = path.Sink.Listener!;
        listener.ReadsOnArrival = false;
        var accepted = listener.Accepted!;
        listener.Accepted = connection =>
        {
            accepted(connection);
            connection.RemoteClosed = null;
        };

        long read = 0;
        var closed = false;
        for (var t = readEvery; t <= SimTime.FromSeconds(3600) && !closed; t += readEvery)
        {
            path.Simulation.Run(t);
            if (path.Sink.Accepted.SingleOrDefault() is not { } reader)
            {
                continue;
            }

            read += reader.Read(readBytes);
            if (read == bytes && reader.State == TcpState.CloseWait)
            {
                reader.Close();
                closed = true;
            }
        }

        path.Simulation.Run(SimTime.FromSeconds(3700));
        return Prop.Label(path.CompletedCleanly && read == bytes,
            $"{settings.Congestion}, buffer {receiveBuffer}, reads of {readBytes} every {readEvery}, loss {loss}, reorder {reorder}, shrink {shrinkWindow}, {bytes} B: read {read}, {path.Outcome}");
    }
}
