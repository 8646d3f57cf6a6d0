namespace NetSim.Packetdrill.Script;

/// <summary>
/// packetdrill's <c>-D NAME=VALUE</c> symbols: values a script names and its runner gives on the
/// command line. The lexer reads a defined name as its value, anywhere in the script.
/// </summary>
public static class ScriptDefinitions
{
    /// <summary>
    /// The symbols the kernel's selftests define for IPv4 (tools/testing/selftests/net/packetdrill/
    /// ksft_runner.sh): the Fast Open cookies Linux makes for the default addresses (remote
    /// 192.0.2.1 to local 192.168.0.1) under the key a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4 that
    /// defaults.sh sets (TFO_COOKIE), and under the all-zero key (TFO_COOKIE_ZERO).
    /// </summary>
    public static IReadOnlyDictionary<string, string> KernelSelftests { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["TFO_COOKIE"] = "3021b9d889017eeb",
        ["TFO_COOKIE_ZERO"] = "b7c12350a90dc8f5",
    };

    /// <summary>Parses <c>NAME=VALUE</c>; false without '=' or with an empty name.</summary>
    public static bool TryParse(string text, out KeyValuePair<string, string> definition)
    {
        var equals = text.IndexOf('=');
        definition = equals > 0 ? new(text[..equals], text[(equals + 1)..]) : default;
        return equals > 0;
    }
}
