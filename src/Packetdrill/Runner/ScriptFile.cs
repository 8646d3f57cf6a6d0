namespace NetSim.Packetdrill.Runner;

/// <summary>An open regular file of the script's shell lines: its path and the descriptor's file position.</summary>
internal sealed class ScriptFile(string path)
{
    public string Path { get; } = path;

    /// <summary>Where the next read without an offset starts (f_pos).</summary>
    public long Position { get; set; }
}
