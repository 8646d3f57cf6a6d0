using System.Globalization;
using System.Text.RegularExpressions;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The integer arithmetic scripts write: sums of products of literals (decimal or 0x hex) and
/// names, with unary minus and parentheses, and bitwise <c>&amp;</c> and <c>|</c> below them, as
/// both languages rank them (<c>tcpi_options &amp; TCPI_OPT_SYN_DATA</c>). Python blocks divide with <c>//</c> (rounding down), shell <c>$(( ))</c> with
/// <c>/</c> (rounding toward zero).
/// </summary>
internal static partial class IntegerExpression
{
    /// <summary>How a language divides: its operator and its rounding.</summary>
    public sealed record Dialect(string Divide, bool RoundsDown, string Where);

    public static Dialect Python { get; } = new("//", RoundsDown: true, "%{ }%");

    public static Dialect Shell { get; } = new("/", RoundsDown: false, "$(( ))");

    /// <summary>The value of <paramref name="expression"/>; <paramref name="name"/> gives a name's value or throws.</summary>
    public static long Evaluate(string expression, Func<string, long> name, Dialect dialect)
    {
        var tokens = Token().Matches(expression).Select(m => m.Value).ToList();
        var position = 0;
        var value = Or();
        return position == tokens.Count ? value : throw new ScriptFailedException($"{dialect.Where}: cannot read '{expression.Trim()}'");

        long Or()
        {
            var bits = And();
            while (position < tokens.Count && tokens[position] == "|")
            {
                position++;
                bits |= And();
            }

            return bits;
        }

        long And()
        {
            var bits = Sum();
            while (position < tokens.Count && tokens[position] == "&")
            {
                position++;
                bits &= Sum();
            }

            return bits;
        }

        long Sum()
        {
            var sum = Product();
            while (position < tokens.Count && tokens[position] is "+" or "-")
            {
                var op = tokens[position++];
                var term = Product();
                sum = op == "+" ? sum + term : sum - term;
            }

            return sum;
        }

        long Product()
        {
            var product = Atom();
            while (position < tokens.Count && (tokens[position] == "*" || tokens[position] == dialect.Divide))
            {
                var op = tokens[position++];
                var factor = Atom();
                product = op == "*" ? product * factor
                    : dialect.RoundsDown ? (long)Math.Floor((double)product / factor)
                    : product / factor;
            }

            return product;
        }

        long Atom()
        {
            if (position == tokens.Count)
            {
                throw new ScriptFailedException($"{dialect.Where}: '{expression.Trim()}' ends too soon");
            }

            var token = tokens[position++];
            if (token == "(")
            {
                var inner = Or();
                if (position == tokens.Count || tokens[position++] != ")")
                {
                    throw new ScriptFailedException($"{dialect.Where}: unbalanced parentheses in '{expression.Trim()}'");
                }

                return inner;
            }

            return token == "-" ? -Atom()
                : token.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? long.Parse(token.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
                : long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var literal) ? literal
                : name(token);
        }
    }

    [GeneratedRegex(@"0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|//|[-+*/()&|]")]
    private static partial Regex Token();
}
