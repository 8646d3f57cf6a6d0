using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// A bulk sender: connects at its start time, keeps the send buffer full, and closes after
/// <see cref="MaxBytes"/> bytes or at its stop time, whichever comes first.
/// </summary>
public sealed class BulkSendApplication(TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, string name)
    : FlowSource(stack, destination, port, settings, name)
{
    /// <summary>Total bytes to send; unbounded by default.</summary>
    public long? MaxBytes { get; init; }

    public override void Install() => Simulation.Process(Run());

    private IEnumerable<SimEvent> Run()
    {
        yield return Simulation.Timeout(Start);
        var connection = Connect();
        connection.Established = _ => Fill();
        connection.SendSpaceAvailable = _ => Fill();
        if (Stop == SimTime.Never)
        {
            yield break;
        }

        yield return Simulation.Timeout(Stop - Simulation.Now);
        CloseOnce();
    }

    private void Fill()
    {
        if (Closed)
        {
            return;
        }

        Write(MaxBytes is { } max ? max - BytesWritten : long.MaxValue);
        if (MaxBytes is { } limit && BytesWritten >= limit)
        {
            CloseOnce();
        }
    }
}
