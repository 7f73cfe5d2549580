namespace AttentionLens.Tokenizers.Decoders;

/// <summary>BPEDecoder: the end-of-word suffix becomes a space (none after the last token).</summary>
public sealed class BpeDecoder : IDecoder
{
    public BpeDecoder(string suffix = "</w>") => Suffix = suffix;

    public string Suffix { get; }

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
            result.Add(tokens[i].Replace(Suffix, i == tokens.Count - 1 ? "" : " ", StringComparison.Ordinal));
        return result;
    }
}
