namespace NetSim.Packetdrill.Runner;

/// <summary>Thrown inside the runner to stop at the failing line: <see cref="Line"/> when it is not the line being run (a blocking call that returned later).</summary>
internal sealed class ScriptFailedException(string message, int? line = null) : Exception(message)
{
    public int? Line { get; } = line;
}
