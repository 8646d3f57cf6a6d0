using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios.Sweeps;

/// <summary>
/// A field of a scenario document named as its errors name it: mapping keys joined by dots, with
/// <c>[i]</c> for the i-th item of a list (<c>links[0].loss</c>, <c>defaults.congestion</c>,
/// <c>dumbbell.bottleneck.queue.packets</c>). Setting one replaces the value there, adding the
/// key (and mappings on the way) where the scenario left it to its default.
/// </summary>
internal static class ScenarioPath
{
    /// <summary>Sets <paramref name="path"/> in <paramref name="root"/> to <paramref name="value"/>; returns a problem, or null.</summary>
    public static string? Set(YamlNode root, string path, YamlNode value)
    {
        var segments = path.Split('.');
        YamlNode node = root;
        for (var i = 0; i < segments.Length; i++)
        {
            if (!TryParseSegment(segments[i], out var key, out var index))
            {
                return $"'{segments[i]}' is not a field name (write name or name[index])";
            }

            if (node is not YamlMappingNode mapping)
            {
                return $"'{string.Join('.', segments[..i])}' is not a mapping";
            }

            var last = i == segments.Length - 1;
            var keyNode = new YamlScalarNode(key);
            if (index is null)
            {
                if (last)
                {
                    mapping.Children[keyNode] = value;
                    return null;
                }

                if (!mapping.Children.TryGetValue(keyNode, out var child))
                {
                    child = new YamlMappingNode();
                    mapping.Children[keyNode] = child;
                }

                node = child;
                continue;
            }

            if (!mapping.Children.TryGetValue(keyNode, out var list) || list is not YamlSequenceNode sequence)
            {
                return $"the scenario has no list '{key}'";
            }

            if (index >= sequence.Children.Count)
            {
                return $"{key} has {sequence.Children.Count} items; [{index}] is not one of them";
            }

            if (last)
            {
                sequence.Children[index.Value] = value;
                return null;
            }

            node = sequence.Children[index.Value];
        }

        return null;
    }

    private static bool TryParseSegment(string segment, out string key, out int? index)
    {
        index = null;
        key = segment;
        var open = segment.IndexOf('[', StringComparison.Ordinal);
        if (open < 0)
        {
            return segment.Length > 0;
        }

        key = segment[..open];
        if (key.Length == 0 || !segment.EndsWith(']')
            || !int.TryParse(segment.AsSpan(open + 1, segment.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        index = parsed;
        return true;
    }
}
