using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Script;

/// <summary>
/// The IP ECN field a segment is written with, in brackets before its flags (packetdrill's
/// <c>[noecn]</c>, <c>[ect0]</c>, <c>[ect1]</c>, <c>[ect01]</c> for either ECT codepoint, <c>[ce]</c>).
/// </summary>
public enum ScriptEcn
{
    NoEcn,
    Ect0,
    Ect1,
    Ect01,
    Ce,
}

/// <summary>Reading and matching <see cref="ScriptEcn"/>.</summary>
public static class ScriptEcnCodepoints
{
    /// <summary>The field written as <paramref name="token"/> (<c>ect0</c>, without its brackets).</summary>
    public static ScriptEcn? Parse(string token) => token switch
    {
        "noecn" => ScriptEcn.NoEcn,
        "ect0" => ScriptEcn.Ect0,
        "ect1" => ScriptEcn.Ect1,
        "ect01" => ScriptEcn.Ect01,
        "ce" => ScriptEcn.Ce,
        _ => null,
    };

    /// <summary>Whether a packet's codepoint is the one written.</summary>
    public static bool Matches(this ScriptEcn written, EcnCodepoint actual) => written switch
    {
        ScriptEcn.NoEcn => actual == EcnCodepoint.NotEct,
        ScriptEcn.Ect0 => actual == EcnCodepoint.Ect0,
        ScriptEcn.Ect1 => actual == EcnCodepoint.Ect1,
        ScriptEcn.Ect01 => actual is EcnCodepoint.Ect0 or EcnCodepoint.Ect1,
        _ => actual == EcnCodepoint.Ce,
    };

    /// <summary>The codepoint an injected segment carries; <c>[ect01]</c> names no single one.</summary>
    public static EcnCodepoint? Codepoint(this ScriptEcn written) => written switch
    {
        ScriptEcn.NoEcn => EcnCodepoint.NotEct,
        ScriptEcn.Ect0 => EcnCodepoint.Ect0,
        ScriptEcn.Ect1 => EcnCodepoint.Ect1,
        ScriptEcn.Ce => EcnCodepoint.Ce,
        _ => null,
    };

    /// <summary>The name the field is written with, without its brackets.</summary>
    public static string Name(this ScriptEcn written) => written.ToString().ToLowerInvariant();

    /// <summary>The name packetdrill writes for a codepoint.</summary>
    public static string Name(EcnCodepoint codepoint) => codepoint switch
    {
        EcnCodepoint.NotEct => "noecn",
        EcnCodepoint.Ect0 => "ect0",
        EcnCodepoint.Ect1 => "ect1",
        _ => "ce",
    };
}
