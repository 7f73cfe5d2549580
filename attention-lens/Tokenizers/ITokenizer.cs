namespace AttentionLens.Tokenizers;

/// <summary>A tokenizer as a checkpoint brings it: text to ids with exact source ranges, and back.</summary>
public interface ITokenizer
{
    int VocabSize { get; }

    /// <summary>Encodes <paramref name="text"/> (and <paramref name="pair"/>), with the
    /// post-processor's special tokens when <paramref name="addSpecialTokens"/>.</summary>
    Encoding Encode(string text, string? pair = null, bool addSpecialTokens = true);

    /// <summary>Decodes ids as the reference library's <c>decode</c> does.</summary>
    string Decode(IReadOnlyList<int> ids, bool skipSpecialTokens = true);

    int? TokenToId(string token);

    string? IdToToken(int id);
}
