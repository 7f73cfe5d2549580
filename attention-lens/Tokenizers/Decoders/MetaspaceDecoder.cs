using AttentionLens.Tokenizers.PreTokenizers;

namespace AttentionLens.Tokenizers.Decoders;

/// <summary>Metaspace: the replacement character becomes a space; the first token loses its leading
/// space unless the prepend scheme is "never".</summary>
public sealed class MetaspaceDecoder : IDecoder
{
    public MetaspaceDecoder(string replacement = "\u2581", PrependScheme prependScheme = PrependScheme.Always)
    {
        Replacement = replacement;
        PrependScheme = prependScheme;
    }

    public string Replacement { get; }
    public PrependScheme PrependScheme { get; }

    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i].Replace(Replacement, " ", StringComparison.Ordinal);
            if (i == 0 && PrependScheme != PrependScheme.Never && token.StartsWith(' ')) token = token[1..];
            result.Add(token);
        }
        return result;
    }
}
