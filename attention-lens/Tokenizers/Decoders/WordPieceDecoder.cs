namespace AttentionLens.Tokenizers.Decoders;

/// <summary>WordPiece: continuation pieces lose their prefix, others get a leading space (except the
/// first); with <see cref="Cleanup"/> the reference's spacing cleanup (" ." → ".", " n't" → "n't", …).</summary>
public sealed class WordPieceDecoder : IDecoder
{
    public WordPieceDecoder(string prefix = "##", bool cleanup = true)
    {
        Prefix = prefix;
        Cleanup = cleanup;
    }

    public string Prefix { get; }
    public bool Cleanup { get; }

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (i != 0)
                token = token.StartsWith(Prefix, StringComparison.Ordinal) ? token[Prefix.Length..] : " " + token;
            if (Cleanup) token = CleanUp(token);
            result.Add(token);
        }
        return result;
    }

    /// <summary>The reference's <c>cleanup</c> (transformers' clean_up_tokenization).</summary>
    public static string CleanUp(string s) => s
        .Replace(" .", ".", StringComparison.Ordinal)
        .Replace(" ?", "?", StringComparison.Ordinal)
        .Replace(" !", "!", StringComparison.Ordinal)
        .Replace(" ,", ",", StringComparison.Ordinal)
        .Replace(" ' ", "'", StringComparison.Ordinal)
        .Replace(" n't", "n't", StringComparison.Ordinal)
        .Replace(" 'm", "'m", StringComparison.Ordinal)
        .Replace(" do not", " don't", StringComparison.Ordinal)
        .Replace(" 's", "'s", StringComparison.Ordinal)
        .Replace(" 've", "'ve", StringComparison.Ordinal)
        .Replace(" 're", "'re", StringComparison.Ordinal);
}
