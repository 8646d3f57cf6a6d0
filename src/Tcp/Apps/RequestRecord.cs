using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>One request/response exchange: from the request's first write to the response's last byte (its flow completion time).</summary>
public sealed record RequestRecord(int Index, SimTime Sent, SimTime Completed, long RequestBytes, long ResponseBytes)
{
    public SimTime CompletionTime => Completed - Sent;
}
