using System.Globalization;
using NetSim.Sim.Kernel;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios.Yaml;

/// <summary>
/// One YAML mapping of a scenario, read field by field. Every error it raises names the file,
/// the line and column of the offending node, and the field's path; unknown keys are refused
/// with the closest valid name suggested.
/// </summary>
internal sealed class YamlMap
{
    private readonly YamlMappingNode _node;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    public YamlMap(string file, string path, YamlNode node)
    {
        File = file;
        Path = path;
        if (node is not YamlMappingNode mapping)
        {
            throw At(node, path, "expected a mapping of fields (key: value)");
        }

        _node = mapping;
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode scalarKey || scalarKey.Value is null)
            {
                throw At(key, path, "field names must be plain words");
            }

            _entries[scalarKey.Value] = (scalarKey, value);
        }
    }

    public string File { get; }

    public string Path { get; }

    public bool Has(string key) => _entries.ContainsKey(key);

    public IEnumerable<string> Keys => _entries.Keys;

    public string FieldPath(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>Refuses any key not in <paramref name="allowed"/>, suggesting the nearest one.</summary>
    public void RejectUnknownKeys(params string[] allowed)
    {
        foreach (var (name, (keyNode, _)) in _entries)
        {
            if (Array.IndexOf(allowed, name) >= 0)
            {
                continue;
            }

            throw At(keyNode, FieldPath(name), $"unknown field{DidYouMean(name, allowed)} (valid: {string.Join(", ", allowed)})");
        }
    }

    public YamlNode? Node(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public YamlNode RequireNode(string key) =>
        Node(key) ?? throw At(_node, FieldPath(key), "missing required field");

    public string? Scalar(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode scalar || scalar.Value is null)
        {
            throw At(node, FieldPath(key), "expected a single value");
        }

        return scalar.Value;
    }

    public string RequireScalar(string key) => Scalar(RequireKey(key))!;

    public YamlMap? Map(string key) => Node(key) is { } node ? new YamlMap(File, FieldPath(key), node) : null;

    public YamlMap RequireMap(string key) => new(File, FieldPath(key), RequireNode(key));

    /// <summary>The items of a sequence field with their paths; an absent field is an empty list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)> Sequence(string key)
    {
        var node = Node(key);
        if (node is null)
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            throw At(node, FieldPath(key), "expected a list");
        }

        return [.. sequence.Children.Select((item, i) => (item, $"{FieldPath(key)}[{i}]"))];
    }

    public IReadOnlyList<(string Value, YamlNode Node, string Path)> ScalarSequence(string key) =>
        [.. Sequence(key).Select(item => (ScalarValue(item.Node, item.Path), item.Node, item.Path))];

    public SimTime? Duration(string key) => Parse(key, (string text, out SimTime value, out string problem) =>
    {
        var ok = Units.TryParseDuration(text, out var ns, out problem);
        value = SimTime.FromNanoseconds(ns);
        return ok;
    });

    public long? Rate(string key) => Parse(key, (string text, out long value, out string problem) =>
        Units.TryParseRate(text, out value, out problem));

    public long? Size(string key) => Parse(key, (string text, out long value, out string problem) =>
        Units.TryParseSize(text, out value, out problem));

    public double? Probability(string key) => Parse(key, (string text, out double value, out string problem) =>
        Units.TryParseProbability(text, out value, out problem));

    public long? Integer(string key) => Parse(key, (string text, out long value, out string problem) =>
    {
        var ok = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        problem = ok ? string.Empty : $"'{text}' is not a whole number";
        return ok;
    });

    public bool? Boolean(string key) => Parse(key, (string text, out bool value, out string problem) =>
    {
        var ok = bool.TryParse(text, out value);
        problem = ok ? string.Empty : $"'{text}' is not true or false";
        return ok;
    });

    /// <summary>Where the value of <paramref name="key"/> is, or this mapping when the key is absent.</summary>
    public Model.SourceLocation Location(string key)
    {
        var node = Node(key) ?? _node;
        return new Model.SourceLocation(File, node.Start.Line, node.Start.Column, FieldPath(key));
    }

    /// <summary>Whether the field is a mapping of exactly forward and/or reverse: a value given per direction.</summary>
    public bool IsDirectional(string key) =>
        Node(key) is YamlMappingNode mapping && mapping.Children.Count > 0
        && mapping.Children.Keys.All(k => k is YamlScalarNode { Value: "forward" or "reverse" });

    /// <summary>An error located at the value of <paramref name="key"/>, or at this mapping when the key is absent.</summary>
    public ScenarioException Error(string key, string problem) => At(Node(key) ?? _node, FieldPath(key), problem);

    public ScenarioException Error(YamlNode node, string path, string problem) => At(node, path, problem);

    private string RequireKey(string key)
    {
        RequireNode(key);
        return key;
    }

    private string ScalarValue(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } value } ? value : throw At(node, path, "expected a single value");

    private delegate bool TryParser<T>(string text, out T value, out string problem);

    private T? Parse<T>(string key, TryParser<T> parser)
        where T : struct
    {
        var text = Scalar(key);
        if (text is null)
        {
            return null;
        }

        if (!parser(text, out var value, out var problem))
        {
            throw Error(key, problem);
        }

        return value;
    }

    private ScenarioException At(YamlNode node, string path, string problem) =>
        new(File, node.Start.Line, node.Start.Column, path.Length == 0 ? "(top level)" : path, problem);

    /// <summary>"; did you mean 'x'?" for the nearest valid name (written with <paramref name="prefix"/>), or nothing.</summary>
    internal static string DidYouMean(string name, IEnumerable<string> valid, string prefix = "") =>
        Suggest(name, valid) is { } suggestion ? $"; did you mean '{prefix}{suggestion}'?" : string.Empty;

    /// <summary>The valid name within edit distance 2, if any.</summary>
    internal static string? Suggest(string name, IEnumerable<string> valid) =>
        valid.Select(v => (v, d: EditDistance(name.ToLowerInvariant(), v.ToLowerInvariant())))
            .Where(x => x.d <= 2)
            .OrderBy(x => x.d)
            .ThenBy(x => x.v, StringComparer.Ordinal)
            .Select(x => x.v)
            .FirstOrDefault();

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
