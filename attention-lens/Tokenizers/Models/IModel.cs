using AttentionLens.Tokenizers.Pipeline;

namespace AttentionLens.Tokenizers.Models;

/// <summary>The vocabulary model: turns one pre-tokenized piece into tokens.</summary>
public interface IModel
{
    int VocabSize { get; }

    /// <summary>Appends the tokens of <paramref name="piece"/> to <paramref name="output"/>, with
    /// offsets in the piece's UTF-16 units.</summary>
    void Tokenize(string piece, List<ModelToken> output);

    int? TokenToId(string token);

    string? IdToToken(int id);
}
