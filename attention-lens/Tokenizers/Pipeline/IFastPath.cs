using AttentionLens.Tokenizers.PostProcessors;

namespace AttentionLens.Tokenizers.Pipeline;

/// <summary>A specialisation of the pipeline for one common configuration that gives the same tokens
/// and offsets as the general stages (checked against them on the golden sentences and a multi-MB
/// corpus by <c>FastPathEquivalenceTests</c>) without their per-piece allocations.</summary>
internal interface IFastPath
{
    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="builder"/> and returns
    /// true, or returns false (leaving the builder untouched) when the text needs the general path.</summary>
    bool TryEncode(string text, int typeId, EncodingBuilder builder, CancellationToken cancellationToken);
}
