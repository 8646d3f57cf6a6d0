using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Tests;

/// <summary>
/// Reliability as a property: whatever a path does to segments (loss, duplication, reordering,
/// jitter, bit errors that fail the checksum, in both directions) and whichever options are in use, every byte arrives exactly once
/// and in order, and both ends finish their close (CLOSED, or TIME-WAIT on the side that closed first).
/// </summary>
public class ReliabilityPropertyTests
{
    [Property(MaxTest = 200)]
    public Property EveryByteArrivesOnceAndInOrderAndBothSidesClose(
        PositiveInt seed, byte lossPermille, byte duplicatePercent, byte reorderPercent, byte jitterMs,
        byte corruptPermille, bool sack, bool timestamps, bool windowScaling, PositiveInt kilobytes)
    {
        var loss = lossPermille % 80 / 1000.0;
        var duplicate = duplicatePercent % 5 / 100.0;
        var reorder = reorderPercent % 10 / 100.0;
        var jitter = SimTime.FromMilliseconds(jitterMs % 10);
        var corrupt = corruptPermille % 30 / 1000.0;
        var bytes = 1 + (kilobytes.Get % 300 * 1000L);
        var settings = TcpSettings.Linux with { Sack = sack, Timestamps = timestamps, WindowScaling = windowScaling, ReceiveBuffer = 256 * 1024 };

        var path = new HostilePath((ulong)seed.Get, settings, bytes, 200, loss, duplicate, reorder, jitter, corrupt);
        path.Simulation.Run(SimTime.FromSeconds(600));

        var label = $"loss {loss}, duplicate {duplicate}, reorder {reorder}, jitter {jitter}, corrupt {corrupt}, sack {sack}, ts {timestamps}, ws {windowScaling}, {bytes} B: {path.Outcome}";
        return Prop.Label(path.CompletedCleanly, label);
    }
}
