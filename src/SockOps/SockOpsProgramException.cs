namespace NetSim.SockOps;

/// <summary>
/// A sock_ops program did something the modelled kernel would have refused to load or run, or
/// threw in a run whose scenario says to stop on a program's failure.
/// </summary>
public sealed class SockOpsProgramException : Exception
{
    public SockOpsProgramException(string message)
        : base(message)
    {
    }

    public SockOpsProgramException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
