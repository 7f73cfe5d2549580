using System.Text.RegularExpressions;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>The <c>{"String": s}</c> or <c>{"Regex": r}</c> pattern of Replace and Split. Regexes run
/// on .NET's engine, which shares the syntax the reference's Oniguruma patterns use in practice
/// (\p{L}, \s, lookahead, \A, \z).</summary>
public sealed class Pattern
{
    /// <summary>GPT-2's pre-tokenization regex as tokenizer.json files spell it.</summary>
    public const string Gpt2Regex = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly bool _gpt2;

    private Pattern(string? literal, Regex? regex, bool gpt2 = false)
    {
        _literal = literal;
        _regex = regex;
        _gpt2 = gpt2;
    }

    /// <summary>The pattern's character when it is a one-character literal (not a surrogate).</summary>
    public char? LiteralChar => _literal is { Length: 1 } l && !char.IsSurrogate(l[0]) ? l[0] : null;

    public static Pattern Literal(string s) => new(s, null);

    /// <summary>A regex; GPT-2's own pattern runs on the hand-compiled <see cref="PreTokenizers.Gpt2Splitter"/>,
    /// which is faster and treats letters outside the BMP as letters, as the reference's engine does.</summary>
    public static Pattern FromRegex(string regex) => regex == Gpt2Regex
        ? new Pattern(null, null, gpt2: true)
        : new(null, new Regex(regex, RegexOptions.CultureInvariant | RegexOptions.Compiled));

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
        if (_gpt2)
        {
            PreTokenizers.Gpt2Splitter.Split(text, result);
            return result;
        }
        foreach (Match m in _regex!.Matches(text))
            if (m.Length > 0) result.Add((m.Index, m.Index + m.Length));
        return result;
    }
}
