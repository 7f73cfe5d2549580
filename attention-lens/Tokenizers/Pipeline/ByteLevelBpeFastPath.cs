using System.Text;
using AttentionLens.Tokenizers.Models;
using AttentionLens.Tokenizers.PostProcessors;
using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>
/// GPT-2-style pipelines (no normalizer; ByteLevel pre-tokenizer with the GPT-2 regex and no prefix
/// space; any model): the pieces come straight from <see cref="Gpt2Splitter"/> over the original
/// text, and each piece's tokens, with offsets already mapped from byte characters back to original
/// characters, come from a <see cref="PieceCache"/> keyed by the piece's original characters. A miss
/// runs the general mapping (UTF-8 bytes → <see cref="ByteLevelAlphabet"/>, every byte carrying its
/// character's range) and the model once. Texts containing a possible added token take the general path.
/// </summary>
internal sealed class ByteLevelBpeFastPath : IFastPath
{
    private readonly IModel _model;
    private readonly AddedVocabulary _added;
    private readonly PieceCache _cache = new();

    private ByteLevelBpeFastPath(IModel model, AddedVocabulary added)
    {
        _model = model;
        _added = added;
    }

    public static ByteLevelBpeFastPath? TryCreate(PipelineTokenizer t) =>
        t.Normalizer is null && t.PreTokenizer is ByteLevelPreTokenizer { UseRegex: true, AddPrefixSpace: false }
            ? new ByteLevelBpeFastPath(t.Model, t.AddedVocabulary)
            : null;

    public bool TryEncode(string text, int typeId, EncodingBuilder builder, CancellationToken cancellationToken)
    {
        if (_added.MayContainAddedToken(text, text)) return false;
        var matches = new List<(int Start, int End)>(text.Length / 4 + 1);
        Gpt2Splitter.Split(text, matches);
        var last = 0;
        for (var m = 0; m < matches.Count; m++)
        {
            if ((m & 255) == 255) cancellationToken.ThrowIfCancellationRequested();
            var (start, end) = matches[m];
            // The GPT-2 pattern matches every character, but keep the gaps as pieces (Isolated) in case.
            if (start > last) AddPiece(text, last, start, typeId, builder);
            AddPiece(text, start, end, typeId, builder);
            last = end;
        }
        if (last < text.Length) AddPiece(text, last, text.Length, typeId, builder);
        return true;
    }

    private void AddPiece(string text, int start, int end, int typeId, EncodingBuilder builder)
    {
        var piece = text.AsSpan(start, end - start);
        if (!_cache.TryGet(piece, out var tokens))
        {
            tokens = Tokenize(piece);
            _cache.Add(piece, tokens);
        }
        foreach (var t in tokens) builder.Add(t.Id, t.Value, new TextRange(start + t.Start, start + t.End), false, typeId);
    }

    /// <summary>The model's tokens of one piece, offsets in the piece's original UTF-16 units.</summary>
    private ModelToken[] Tokenize(ReadOnlySpan<char> piece)
    {
        var bytes = new StringBuilder(piece.Length * 2);
        var from = new List<(int Start, int End)>(piece.Length * 2);
        Span<byte> utf8 = stackalloc byte[4];
        var i = 0;
        while (i < piece.Length)
        {
            Rune.DecodeFromUtf16(piece[i..], out var r, out var w);
            var n = r.EncodeToUtf8(utf8);
            for (var k = 0; k < n; k++)
            {
                bytes.Append(ByteLevelAlphabet.Encode(utf8[k]));
                from.Add((i, i + w));
            }
            i += w;
        }
        var output = new List<ModelToken>();
        _model.Tokenize(bytes.ToString(), output);
        var result = new ModelToken[output.Count];
        for (var k = 0; k < output.Count; k++)
        {
            var t = output[k];
            var s = from[t.Start].Start;
            var e = t.End > t.Start ? Math.Max(s, from[t.End - 1].End) : s;
            result[k] = new ModelToken(t.Id, t.Value, s, e);
        }
        return result;
    }
}
