using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Models;

/// <summary>WordLevel: each pre-tokenized piece is one vocabulary entry or the unknown token.</summary>
public sealed class WordLevelModel : IModel
{
    public WordLevelModel(Vocabulary vocab, string unkToken)
    {
        Vocab = vocab;
        UnkToken = unkToken;
    }

    public Vocabulary Vocab { get; }
    public string UnkToken { get; }

    public int VocabSize => Vocab.Count;

    public int? TokenToId(string token) => Vocab[token];

    public string? IdToToken(int id) => Vocab.Token(id);

    public void Tokenize(string piece, List<ModelToken> output)
    {
        if (piece.Length == 0) return;
        if (Vocab.TryGetId(piece, out var id))
            output.Add(new ModelToken(id, piece, 0, piece.Length));
        else if (Vocab[UnkToken] is int unk)
            output.Add(new ModelToken(unk, UnkToken, 0, piece.Length));
        else
            throw new AttentionLensException($"WordLevel: '{piece}' is not in the vocabulary and the unknown token '{UnkToken}' is missing; fix 'model.unk_token'.");
    }
}
