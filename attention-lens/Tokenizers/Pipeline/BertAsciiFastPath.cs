using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.Normalizers;
using AttentionLens.Tokenizers.PostProcessors;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// BERT pipelines (BertNormalizer, BertPreTokenizer, any model) on printable-ASCII text (U+0020..U+007E):
/// there the normalizer reduces to per-character lower-casing (nothing to clean, pad, decompose or
/// strip), so alignments are the identity; words split on spaces (removed) and ASCII punctuation
/// (isolated), and each word's tokens come from a <see cref="PieceCache"/>. Any other character, or a
/// possible added token, sends the text to the general path.
/// </summary>
internal sealed class BertAsciiFastPath : IFastPath
{
    private readonly IModel _model;
    private readonly AddedVocabulary _added;
    private readonly bool _lowercase;
    private readonly PieceCache _cache = new();

    private BertAsciiFastPath(IModel model, AddedVocabulary added, bool lowercase)
    {
        _model = model;
        _added = added;
        _lowercase = lowercase;
    }

    public static BertAsciiFastPath? TryCreate(PipelineTokenizer t) =>
        t.Normalizer is BertNormalizer n && t.PreTokenizer is BertPreTokenizer
            ? new BertAsciiFastPath(t.Model, t.AddedVocabulary, n.Lowercase)
            : null;

    public bool TryEncode(string text, int typeId, EncodingBuilder builder, CancellationToken cancellationToken)
    {
        if (text.AsSpan().IndexOfAnyExceptInRange(' ', '~') >= 0) return false;
        var normalized = _lowercase ? LowerAscii(text) : text;
        if (_added.MayContainAddedToken(text, normalized)) return false;
        var start = -1;
        var words = 0;
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            var space = c == ' ';
            if (!space && !IsAsciiPunctuation(c))
            {
                if (start < 0) start = i;
                continue;
            }
            if (start >= 0) AddWord(normalized, start, i, typeId, builder);
            start = -1;
            if (!space) AddWord(normalized, i, i + 1, typeId, builder);
            if ((++words & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        if (start >= 0) AddWord(normalized, start, normalized.Length, typeId, builder);
        return true;
    }

    /// <summary>BERT's punctuation restricted to ASCII: every non-alphanumeric printable character
    /// but the space (Google's <c>_is_punctuation</c> counts all of 33–47, 58–64, 91–96, 123–126).</summary>
    private static bool IsAsciiPunctuation(char c) =>
        c is (>= '!' and <= '/') or (>= ':' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    private void AddWord(string text, int start, int end, int typeId, EncodingBuilder builder)
    {
        var word = text.AsSpan(start, end - start);
        if (!_cache.TryGet(word, out var tokens))
        {
            var output = new List<ModelToken>();
            _model.Tokenize(word.ToString(), output);
            tokens = output.ToArray();
            _cache.Add(word, tokens);
        }
        foreach (var t in tokens) builder.Add(t.Id, t.Value, new TextRange(start + t.Start, start + t.End), false, typeId);
    }

    private static string LowerAscii(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('A', 'Z') < 0) return text;
        return string.Create(text.Length, text, static (dst, src) => System.Text.Ascii.ToLower(src, dst, out _));
    }
}
