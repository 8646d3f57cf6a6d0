using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios.Tests;

/// <summary>
/// Checks a YAML document against the subset of JSON Schema that scenario.schema.json uses (type,
/// properties, additionalProperties, required, enum, const, anyOf, oneOf, items, min/maxItems,
/// pattern, minimum, $ref), reading plain scalars as a YAML language server does (numbers,
/// booleans, else strings). Returns the problems found, with their paths.
/// </summary>
internal sealed class MiniSchemaValidator(JsonObject schema)
{
    public List<string> Validate(YamlNode node) => Check(node, schema, "$");

    private List<string> Check(YamlNode node, JsonNode? rule, string path)
    {
        var problems = new List<string>();
        if (rule is not JsonObject r)
        {
            return problems;
        }

        if (r["$ref"] is { } reference)
        {
            var name = reference.GetValue<string>().Split('/')[^1];
            problems.AddRange(Check(node, schema["$defs"]![name], path));
        }

        if (r["anyOf"] is JsonArray anyOf && !anyOf.Any(branch => Check(node, branch, path).Count == 0))
        {
            problems.Add($"{path}: matches none of anyOf");
        }

        if (r["oneOf"] is JsonArray oneOf && oneOf.Count(branch => Check(node, branch, path).Count == 0) != 1)
        {
            problems.Add($"{path}: matches not exactly one of oneOf");
        }

        if (r["type"] is { } type && !HasType(node, type.GetValue<string>()))
        {
            problems.Add($"{path}: not a {type}");
            return problems;
        }

        if (r["const"] is { } constant && Scalar(node) != constant.ToString())
        {
            problems.Add($"{path}: not {constant}");
        }

        if (r["enum"] is JsonArray choices && !choices.Any(c => c!.ToString() == Scalar(node)))
        {
            problems.Add($"{path}: '{Scalar(node)}' not among the choices");
        }

        if (r["pattern"] is { } pattern && node is YamlScalarNode scalar && !Regex.IsMatch(scalar.Value ?? string.Empty, pattern.GetValue<string>()))
        {
            problems.Add($"{path}: '{scalar.Value}' does not match {pattern}");
        }

        if (r["minimum"] is { } minimum && double.Parse(Scalar(node), CultureInfo.InvariantCulture) < minimum.GetValue<long>())
        {
            problems.Add($"{path}: below {minimum}");
        }

        if (node is YamlMappingNode mapping)
        {
            var properties = r["properties"] as JsonObject;
            foreach (var (key, value) in mapping.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                if (properties?[name] is { } property)
                {
                    problems.AddRange(Check(value, property, $"{path}.{name}"));
                }
                else if (r["additionalProperties"] is JsonValue additional && !additional.GetValue<bool>())
                {
                    problems.Add($"{path}: unexpected field '{name}'");
                }
                else if (r["additionalProperties"] is JsonObject additionalRule)
                {
                    problems.AddRange(Check(value, additionalRule, $"{path}.{name}"));
                }
            }

            foreach (var required in (r["required"] as JsonArray) ?? [])
            {
                if (!mapping.Children.ContainsKey(new YamlScalarNode(required!.GetValue<string>())))
                {
                    problems.Add($"{path}: missing '{required}'");
                }
            }
        }

        if (node is YamlSequenceNode sequence)
        {
            if (r["minItems"] is { } min && sequence.Children.Count < min.GetValue<int>() || r["maxItems"] is { } max && sequence.Children.Count > max.GetValue<int>())
            {
                problems.Add($"{path}: wrong number of items");
            }

            for (var i = 0; i < sequence.Children.Count; i++)
            {
                problems.AddRange(Check(sequence.Children[i], r["items"], $"{path}[{i}]"));
            }
        }

        return problems;
    }

    private static string Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? string.Empty : string.Empty;

    private static bool HasType(YamlNode node, string type)
    {
        var text = Scalar(node);
        var plain = node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain };
        return type switch
        {
            "object" => node is YamlMappingNode,
            "array" => node is YamlSequenceNode,
            "integer" => plain && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            "number" => plain && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            "boolean" => plain && text is "true" or "false",
            _ => node is YamlScalarNode && !(plain && (text is "true" or "false" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))),
        };
    }
}
