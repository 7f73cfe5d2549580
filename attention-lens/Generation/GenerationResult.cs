namespace AttentionLens.Generation;

/// <summary>What <see cref="Generator.Generate"/> produced.</summary>
/// <param name="PromptIds">The prompt as given.</param>
/// <param name="Tokens">The added tokens, in order; the stop token is not among them.</param>
/// <param name="Stop">Why it ended.</param>
/// <param name="StopId">The stop token chosen, when <paramref name="Stop"/> is EndOfText.</param>
/// <param name="UsedKeyValueCache">True when each step appended one token to a key/value cache;
/// false when it ran a full forward of the whole sequence (the families without one).</param>
/// <param name="Seed">The sampler's seed (null for greedy decoding).</param>
public sealed record GenerationResult(
    IReadOnlyList<int> PromptIds,
    IReadOnlyList<GeneratedToken> Tokens,
    GenerationStop Stop,
    int? StopId,
    bool UsedKeyValueCache,
    ulong? Seed)
{
    public int[] NewIds => Tokens.Select(t => t.Id).ToArray();
}
