namespace NetSim.Packetdrill.Runner;

/// <summary>Thrown inside the runner to stop at the failing line.</summary>
internal sealed class ScriptFailedException(string message) : Exception(message);
