using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Models;

/// <summary>
/// WordPiece (Schuster &amp; Nakajima 2012; BERT): greedy longest-match-first from the left, pieces
/// after the first carry <see cref="ContinuingSubwordPrefix"/>; a word with an unmatchable part, or
/// longer than <see cref="MaxInputCharsPerWord"/> characters, becomes the single unknown token.
/// </summary>
public sealed class WordPieceModel : IModel
{
    public WordPieceModel(Vocabulary vocab, string unkToken = "[UNK]", string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100)
    {
        Vocab = vocab;
        UnkToken = unkToken;
        ContinuingSubwordPrefix = continuingSubwordPrefix;
        MaxInputCharsPerWord = maxInputCharsPerWord;
    }

    public Vocabulary Vocab { get; }
    public string UnkToken { get; }
    public string ContinuingSubwordPrefix { get; }
    public int MaxInputCharsPerWord { get; }

    public int VocabSize => Vocab.Count;

    public int? TokenToId(string token) => Vocab[token];

    public string? IdToToken(int id) => Vocab.Token(id);

    public void Tokenize(string piece, List<ModelToken> output)
    {
        if (piece.Length == 0) return;
        var runes = 0;
        for (var k = 0; k < piece.Length && runes <= MaxInputCharsPerWord; k++)
            if (!char.IsLowSurrogate(piece[k])) runes++;
        if (runes > MaxInputCharsPerWord)
        {
            AddUnk(piece, output);
            return;
        }
        var first = output.Count;
        var prefix = ContinuingSubwordPrefix;
        var need = prefix.Length + piece.Length;
        Span<char> buffer = need <= 512 ? stackalloc char[need] : new char[need];
        prefix.AsSpan().CopyTo(buffer);
        var start = 0;
        while (start < piece.Length)
        {
            var end = piece.Length;
            var matched = -1;
            while (end > start)
            {
                scoped ReadOnlySpan<char> candidate;
                if (start == 0)
                {
                    candidate = piece.AsSpan(0, end);
                }
                else
                {
                    piece.AsSpan(start, end - start).CopyTo(buffer[prefix.Length..]);
                    candidate = buffer[..(prefix.Length + end - start)];
                }
                if (Vocab.TryGetId(candidate, out var id))
                {
                    matched = id;
                    break;
                }
                end--;
                if (end > start && char.IsLowSurrogate(piece[end])) end--;
            }
            if (matched < 0)
            {
                output.RemoveRange(first, output.Count - first);
                AddUnk(piece, output);
                return;
            }
            output.Add(new ModelToken(matched, Vocab.Token(matched)!, start, end));
            start = end;
        }
    }

    private void AddUnk(string piece, List<ModelToken> output)
    {
        var unk = Vocab[UnkToken] ?? throw new AttentionLensException($"WordPiece: the unknown token '{UnkToken}' is not in the vocabulary; add it or fix 'model.unk_token'.");
        output.Add(new ModelToken(unk, UnkToken, 0, piece.Length));
    }
}
