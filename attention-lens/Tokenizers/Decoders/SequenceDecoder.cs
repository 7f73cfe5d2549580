namespace AttentionLens.Tokenizers.Decoders;

/// <summary>Applies decoders in order, each to the previous one's output.</summary>
public sealed class SequenceDecoder : IDecoder
{
    public SequenceDecoder(IReadOnlyList<IDecoder> decoders) => Decoders = decoders;

    public IReadOnlyList<IDecoder> Decoders { get; }

    public List<string> DecodeChain(List<string> tokens)
    {
        foreach (var d in Decoders) tokens = d.DecodeChain(tokens);
        return tokens;
    }
}
