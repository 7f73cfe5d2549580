using System.Text.RegularExpressions;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>The <c>{"String": s}</c> or <c>{"Regex": r}</c> pattern of Replace and Split. Regexes run
/// on .NET's engine, which shares the syntax the reference's Oniguruma patterns use in practice
/// (\p{L}, \s, lookahead, \A, \z).</summary>
public sealed class Pattern
{
    private readonly string? _literal;
    private readonly Regex? _regex;

    private Pattern(string? literal, Regex? regex)
    {
        _literal = literal;
        _regex = regex;
    }

    public static Pattern Literal(string s) => new(s, null);

    public static Pattern FromRegex(string regex) => new(null, new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Compiled));

    /// <summary>Non-overlapping matches, left to right, as [start, end) in UTF-16 units.</summary>
    public List<(int Start, int End)> Matches(string text)
    {
        var result = new List<(int, int)>();
        if (_literal is not null)
        {
            if (_literal.Length == 0) return result;
            var i = 0;
            while ((i = text.IndexOf(_literal, i, StringComparison.Ordinal)) >= 0)
            {
                result.Add((i, i + _literal.Length));
                i += _literal.Length;
            }
            return result;
        }
        foreach (Match m in _regex!.Matches(text))
            if (m.Length > 0) result.Add((m.Index, m.Index + m.Length));
        return result;
    }
}
