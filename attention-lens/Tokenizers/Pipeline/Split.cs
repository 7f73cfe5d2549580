namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>One piece of a pre-tokenized text. <see cref="Tokens"/> is set once the piece is
/// tokenized (an added token, or the model's output); pre-tokenizers only see pieces without tokens.</summary>
public sealed class Split
{
    public Split(NormalizedString normalized, List<ModelToken>? tokens = null)
    {
        Normalized = normalized;
        Tokens = tokens;
    }

    public NormalizedString Normalized { get; }

    public List<ModelToken>? Tokens { get; set; }
}
