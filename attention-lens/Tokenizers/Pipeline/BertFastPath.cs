using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.PostProcessors;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// BERT pipelines (BertNormalizer, BertPreTokenizer, any model). BERT's normalizer works one character
/// at a time (cleaning, CJK padding, NFD + dropping Mn, lower-casing; NFD never moves a character
/// across a space, which is a starter) and its pre-tokenizer removes every space, so the text can be
/// cut at ASCII spaces first and each segment handled alone. A printable-ASCII segment
/// (U+0021..U+007E) normalizes to its per-character lower case with identity alignment, so its words
/// (split at ASCII punctuation, isolated) go straight to a <see cref="PieceCache"/>; any other
/// segment runs the general normalizer and pre-tokenizer on itself alone, with the model's tokens
/// cached by normalized piece. A text with a possible added token takes the general path.
/// </summary>
internal sealed class BertFastPath : IFastPath
{
    private readonly IModel _model;
    private readonly INormalizer _normalizer;
    private readonly IPreTokenizer _preTokenizer;
    private readonly AddedVocabulary _added;
    private readonly bool _lowercase;
    private readonly PieceCache _cache = new();

    private BertFastPath(PipelineTokenizer t, bool lowercase)
    {
        _model = t.Model;
        _normalizer = t.Normalizer!;
        _preTokenizer = t.PreTokenizer!;
        _added = t.AddedVocabulary;
        _lowercase = lowercase;
    }

    public static BertFastPath? TryCreate(PipelineTokenizer t) =>
        t.Normalizer is BertNormalizer n && t.PreTokenizer is BertPreTokenizer ? new BertFastPath(t, n.Lowercase) : null;

    public bool TryEncode(string text, int typeId, EncodingBuilder builder, CancellationToken cancellationToken)
    {
        if (!_added.IsEmpty)
        {
            // Added tokens are matched in the original text and (normalized ones) in the normalized
            // text: for printable ASCII that is the lower case; for other text it is known only after
            // normalizing, so such text takes the general path.
            var ascii = text.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0;
            if (!ascii && _added.HasNormalizedTokens) return false;
            if (_added.MayContainAddedToken(text, ascii && _lowercase ? LowerAscii(text) : text)) return false;
        }
        var segments = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] == ' ') i++;
            if (i == text.Length) break;
            var start = i;
            var ascii = true;
            while (i < text.Length && text[i] != ' ')
            {
                if (text[i] is < '!' or > '~') ascii = false;
                i++;
            }
            if ((++segments & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            if (ascii) AddAsciiSegment(text, start, i, typeId, builder);
            else AddGeneralSegment(text, start, i, typeId, builder, cancellationToken);
        }
        return true;
    }

    private void AddAsciiSegment(string text, int start, int end, int typeId, EncodingBuilder builder)
    {
        Span<char> lower = end - start <= 256 ? stackalloc char[end - start] : new char[end - start];
        var source = text.AsSpan(start, end - start);
        if (_lowercase) System.Text.Ascii.ToLower(source, lower, out _);
        else source.CopyTo(lower);
        var word = -1;
        for (var k = 0; k < lower.Length; k++)
        {
            if (!IsAsciiPunctuation(lower[k]))
            {
                if (word < 0) word = k;
                continue;
            }
            if (word >= 0) AddWord(lower[word..k], start + word, typeId, builder);
            word = -1;
            AddWord(lower.Slice(k, 1), start + k, typeId, builder);
        }
        if (word >= 0) AddWord(lower[word..], start + word, typeId, builder);
    }

    /// <summary>BERT's punctuation restricted to ASCII: every printable non-alphanumeric character
    /// (Google's <c>_is_punctuation</c> counts all of 33–47, 58–64, 91–96, 123–126).</summary>
    private static bool IsAsciiPunctuation(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    /// <summary>A word whose normalized text is aligned one-to-one with the original at <paramref name="at"/>.</summary>
    private void AddWord(ReadOnlySpan<char> word, int at, int typeId, EncodingBuilder builder)
    {
        foreach (var t in Lookup(word)) builder.Add(t.Id, t.Value, new TextRange(at + t.Start, at + t.End), false, typeId);
    }

    private void AddGeneralSegment(string text, int start, int end, int typeId, EncodingBuilder builder, CancellationToken cancellationToken)
    {
        var segment = NormalizedString.FromOriginal(text.Substring(start, end - start), start);
        _normalizer.Normalize(segment, cancellationToken);
        var pre = new PreTokenizedString([new Split(segment)]);
        _preTokenizer.PreTokenize(pre, cancellationToken);
        foreach (var split in pre.Splits)
        {
            var piece = split.Normalized;
            foreach (var t in Lookup(piece.Text)) builder.Add(t.Id, t.Value, piece.OriginalRange(t.Start, t.End), false, typeId);
        }
    }

    /// <summary>The model's tokens of a normalized piece (offsets in its units), cached.</summary>
    private ModelToken[] Lookup(ReadOnlySpan<char> piece)
    {
        if (_cache.TryGet(piece, out var tokens)) return tokens;
        var output = new List<ModelToken>();
        _model.Tokenize(piece.ToString(), output);
        tokens = output.ToArray();
        _cache.Add(piece, tokens);
        return tokens;
    }

    private static string LowerAscii(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('A', 'Z') < 0) return text;
        return string.Create(text.Length, text, static (dst, src) => System.Text.Ascii.ToLower(src, dst, out _));
    }
}
