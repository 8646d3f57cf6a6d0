namespace NetSim.Packetdrill.Script;

/// <summary>A script line the parser cannot read, with its file and line.</summary>
public sealed class ScriptSyntaxException(string file, int line, string message)
    : Exception($"{file}:{line}: {message}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
}
