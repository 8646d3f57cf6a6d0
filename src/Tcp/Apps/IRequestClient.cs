namespace NetSim.Tcp.Apps;

/// <summary>A flow source that makes request/response exchanges, and what became of them.</summary>
public interface IRequestClient : IFlowSender
{
    /// <summary>The exchanges completed, numbered in the order they were sent.</summary>
    IReadOnlyList<RequestRecord> Completed { get; }

    /// <summary>The exchanges that failed, numbered in the order they failed.</summary>
    IReadOnlyList<RequestFailure> Failed { get; }
}
