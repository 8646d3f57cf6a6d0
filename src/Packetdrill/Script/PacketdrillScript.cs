namespace NetSim.Packetdrill.Script;

/// <summary>A parsed script: its events in order, and the command-line options it sets on its own lines (<c>--tolerance_usecs=10000</c>).</summary>
public sealed record PacketdrillScript(string File, IReadOnlyList<ScriptEvent> Events, IReadOnlyDictionary<string, string> Options);
