using System.Text;
using AttentionLens.Tokenizers.Normalizers;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// Finds added tokens in the text as the Rust <c>AddedVocabulary::extract_and_normalize</c> does:
/// tokens with <c>normalized = false</c> are matched leftmost-longest in the original text; the
/// pieces between them are normalized; tokens with <c>normalized = true</c> (their content normalized
/// the same way) are then matched in those normalized pieces.
/// </summary>
public sealed class AddedVocabulary
{
    private readonly Matcher _raw;
    private readonly Matcher _normalized;
    private readonly Dictionary<int, AddedToken> _byId = new();
    private readonly Dictionary<string, AddedToken> _byContent = new(StringComparer.Ordinal);

    public AddedVocabulary(IReadOnlyList<AddedToken> tokens, INormalizer? normalizer)
    {
        Tokens = tokens;
        var raw = new List<(string, AddedToken)>();
        var norm = new List<(string, AddedToken)>();
        foreach (var t in tokens)
        {
            _byId[t.Id] = t;
            _byContent.TryAdd(t.Content, t);
            if (t.Content.Length == 0) continue;
            if (t.Normalized && normalizer is not null)
            {
                var n = NormalizedString.FromOriginal(t.Content);
                normalizer.Normalize(n);
                if (n.Length > 0) norm.Add((n.Text, t));
            }
            else if (t.Normalized) norm.Add((t.Content, t));
            else raw.Add((t.Content, t));
        }
        _raw = new Matcher(raw);
        _normalized = new Matcher(norm);
    }

    public IReadOnlyList<AddedToken> Tokens { get; }

    public AddedToken? ById(int id) => _byId.GetValueOrDefault(id);

    public AddedToken? ByContent(string content) => _byContent.GetValueOrDefault(content);

    /// <summary>Whether an added token could start anywhere in the text (raw tokens in
    /// <paramref name="original"/>, normalized ones in <paramref name="normalized"/>); false means
    /// extraction would leave the text whole.</summary>
    internal bool MayContainAddedToken(string original, string normalized) =>
        (!_raw.IsEmpty && _raw.NextCandidate(original, 0) >= 0) || (!_normalized.IsEmpty && _normalized.NextCandidate(normalized, 0) >= 0);

    internal bool IsEmpty => _raw.IsEmpty && _normalized.IsEmpty;

    /// <summary>Whether some added token is matched in the normalized text.</summary>
    internal bool HasNormalizedTokens => !_normalized.IsEmpty;

    public bool IsSpecial(int id) => _byId.TryGetValue(id, out var t) && t.Special;

    /// <summary>Splits <paramref name="text"/> on added tokens and normalizes the rest.</summary>
    public PreTokenizedString ExtractAndNormalize(string text, INormalizer? normalizer) =>
        ExtractAndNormalize(text, normalizer, CancellationToken.None);

    /// <summary>As <see cref="ExtractAndNormalize(string, INormalizer?)"/>, observing cancellation.</summary>
    public PreTokenizedString ExtractAndNormalize(string text, INormalizer? normalizer, CancellationToken cancellationToken)
    {
        var splits = new List<Split>();
        var whole = NormalizedString.FromOriginal(text);
        foreach (var piece in SplitOn(whole, _raw))
        {
            if (piece.Tokens is not null)
            {
                splits.Add(piece);
                continue;
            }
            normalizer?.Normalize(piece.Normalized, cancellationToken);
            splits.AddRange(SplitOn(piece.Normalized, _normalized));
        }
        return new PreTokenizedString(splits);
    }

    private static List<Split> SplitOn(NormalizedString s, Matcher matcher)
    {
        var result = new List<Split>();
        if (matcher.IsEmpty || s.Length == 0)
        {
            result.Add(new Split(s));
            return result;
        }
        var text = s.Text;
        var last = 0;
        var i = 0;
        while (i < text.Length)
        {
            var next = matcher.NextCandidate(text, i);
            if (next < 0) break;
            i = next;
            var token = matcher.LongestAt(text, i);
            if (token is null)
            {
                i++;
                continue;
            }
            var (content, added) = token.Value;
            var start = i;
            var stop = i + content.Length;
            if (added.SingleWord && !(IsBoundaryBefore(text, start) && IsBoundaryAfter(text, stop)))
            {
                i++;
                continue;
            }
            if (added.Lstrip)
                while (start > last && char.IsWhiteSpace(text[start - 1])) start--;
            if (added.Rstrip)
                while (stop < text.Length && char.IsWhiteSpace(text[stop])) stop++;
            if (start > last) result.Add(new Split(s.Slice(last, start)));
            result.Add(new Split(s.Slice(start, stop), [new ModelToken(added.Id, text[start..stop], 0, stop - start)]));
            last = i = stop;
        }
        if (last < text.Length) result.Add(new Split(s.Slice(last, text.Length)));
        return result;
    }

    private static bool IsWordRune(Rune r) => Rune.IsLetterOrDigit(r) || r.Value == '_';

    private static bool IsBoundaryBefore(string text, int at) =>
        at == 0 || Rune.DecodeLastFromUtf16(text.AsSpan(0, at), out var r, out _) != System.Buffers.OperationStatus.Done || !IsWordRune(r);

    private static bool IsBoundaryAfter(string text, int at) =>
        at >= text.Length || Rune.DecodeFromUtf16(text.AsSpan(at), out var r, out _) != System.Buffers.OperationStatus.Done || !IsWordRune(r);

    /// <summary>Leftmost-longest matching of a small set of strings, indexed by first character.</summary>
    private sealed class Matcher
    {
        private readonly Dictionary<char, (string, AddedToken)[]> _byFirst;
        private readonly System.Buffers.SearchValues<char> _firstChars;

        public Matcher(List<(string Content, AddedToken Token)> entries)
        {
            _byFirst = entries.GroupBy(e => e.Content[0])
                .ToDictionary(g => g.Key, g => g.OrderByDescending(e => e.Content.Length).ToArray());
            _firstChars = System.Buffers.SearchValues.Create(_byFirst.Keys.ToArray());
        }

        /// <summary>The next position at or after <paramref name="from"/> where some token could start, or −1.</summary>
        public int NextCandidate(string text, int from)
        {
            var k = text.AsSpan(from).IndexOfAny(_firstChars);
            return k < 0 ? -1 : from + k;
        }

        public bool IsEmpty => _byFirst.Count == 0;

        public (string, AddedToken)? LongestAt(string text, int i)
        {
            if (!_byFirst.TryGetValue(text[i], out var candidates)) return null;
            foreach (var c in candidates)
                if (string.CompareOrdinal(text, i, c.Item1, 0, c.Item1.Length) == 0 && i + c.Item1.Length <= text.Length)
                    return c;
            return null;
        }
    }
}
