namespace AttentionLens.Generation;

/// <summary>A generation request that cannot run: a model without a causal LM head, an empty
/// prompt, or an option out of range (the message names the option and its allowed range).</summary>
public sealed class GenerationException : AttentionLensException
{
    public GenerationException(string message, string? path = null) : base(message, path) { }
}
