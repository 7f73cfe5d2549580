using System.Text.RegularExpressions;

namespace AttentionLens.Tokenizers.Normalizers;

/// <summary>The <c>{"String": s}</c> or <c>{"Regex": r}</c> pattern of Replace and Split. Regexes run
/// on .NET's engine, which shares the syntax the reference's Oniguruma patterns use in practice
/// (\p{L}, \s, lookahead, \A, \z).
/// <para>A pattern comes from a file the user did not write, so it must not be able to hang the
/// server (issue 14): a pattern the non-backtracking engine accepts runs on it, which is linear in
/// the text by construction (.NET 7+: same matches as the backtracking engine, no captures needed
/// here); one it refuses (lookarounds, backreferences, atomic groups) runs on the backtracking
/// engine with a match time limit, and a timeout becomes a <see cref="TokenizerException"/> naming
/// the file and the field.</para></summary>
public sealed class Pattern
{
    /// <summary>GPT-2's pre-tokenization regex as tokenizer.json files spell it.</summary>
    public const string Gpt2Regex = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <summary>How long one backtracking match may run before the pattern is declared hostile.
    /// Real pre-tokenizer patterns match a piece in microseconds; a second is five orders of margin.</summary>
    public static readonly TimeSpan DefaultMatchTimeout = TimeSpan.FromSeconds(1);

    private const RegexOptions Options = RegexOptions.CultureInvariant;

    private readonly string? _literal;
    private readonly Regex? _regex;
    private readonly bool _gpt2;

    /// <summary>The Metaspace regex <see cref="SpaceRunMatcher"/> matches by hand, if this is one.</summary>
    private string? _spaceRuns;

    private Pattern(string? literal, Regex? regex, bool gpt2 = false, string file = "", string field = "")
    {
        _literal = literal;
        _regex = regex;
        _gpt2 = gpt2;
        File = file;
        Field = field;
    }

    /// <summary>The file the pattern came from (for errors; "" for built-in patterns).</summary>
    public string File { get; }

    /// <summary>The field the pattern came from, e.g. <c>pre_tokenizer.pretokenizers[1].pattern</c>.</summary>
    public string Field { get; }

    /// <summary>Whether the regex runs on the linear-time engine (false for literals, GPT-2's splitter
    /// and patterns that need backtracking).</summary>
    public bool IsNonBacktracking => _regex is not null && (_regex.Options & RegexOptions.NonBacktracking) != 0;

    /// <summary>The pattern's character when it is a one-character literal (not a surrogate).</summary>
    public char? LiteralChar => _literal is { Length: 1 } l && !char.IsSurrogate(l[0]) ? l[0] : null;

    public static Pattern Literal(string s) => new(s, null);

    /// <summary>A regex; GPT-2's own pattern runs on the hand-compiled <see cref="PreTokenizers.Gpt2Splitter"/>,
    /// which is faster and treats letters outside the BMP as letters, as the reference's engine does.
    /// Throws <see cref="ArgumentException"/> for a pattern neither engine accepts.</summary>
    public static Pattern FromRegex(string regex, string file = "", string field = "", TimeSpan? matchTimeout = null)
    {
        if (regex == Gpt2Regex) return new Pattern(null, null, gpt2: true, file, field);
        if (SpaceRunMatcher.Handles(regex)) return new Pattern(null, null, false, file, field) { _spaceRuns = regex };
        Regex compiled;
        try
        {
            compiled = new Regex(regex, Options | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            compiled = new Regex(regex, Options | RegexOptions.Compiled, matchTimeout ?? DefaultMatchTimeout);
        }
        return new Pattern(null, compiled, false, file, field);
    }

    /// <summary>Non-overlapping matches, left to right, as [start, end) in UTF-16 units.</summary>
    public List<(int Start, int End)> Matches(string text) => Matches(text, CancellationToken.None);

    /// <summary>Non-overlapping matches, left to right, as [start, end) in UTF-16 units; observes
    /// <paramref name="cancellationToken"/> between matches (a single match is bounded by the timeout).</summary>
    public List<(int Start, int End)> Matches(string text, CancellationToken cancellationToken)
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
        if (_spaceRuns is not null)
        {
            SpaceRunMatcher.Match(_spaceRuns, text, result);
            return result;
        }
        if (_gpt2)
        {
            PreTokenizers.Gpt2Splitter.Split(text, result);
            return result;
        }
        try
        {
            // Checked before every match, not every thousand: a backtracking match may take up to the
            // timeout, so a coarser check could keep a cancelled request burning CPU for minutes. The
            // check is one volatile read, nothing beside a match.
            foreach (var m in _regex!.EnumerateMatches(text))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (m.Length > 0) result.Add((m.Index, m.Index + m.Length));
            }
        }
        catch (RegexMatchTimeoutException e)
        {
            throw new TokenizerException(File, Field,
                $"the regular expression /{_regex!}/ did not finish matching a piece of {text.Length} characters within {e.MatchTimeout.TotalSeconds:0.###} s: " +
                "it backtracks catastrophically (nested quantifiers such as (a+)+). Simplify the pattern or use the tokenizer.json published with the model.", e);
        }
        return result;
    }
}
