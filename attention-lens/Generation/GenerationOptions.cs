namespace AttentionLens.Generation;

/// <summary>
/// How <see cref="Generator"/> continues a prompt. Temperature 0 is greedy decoding (the argmax at
/// every step, as transformers' <c>generate(do_sample=False)</c>); a positive temperature samples
/// from softmax(logits / temperature) restricted to the top-p nucleus (Holtzman et al. 2020, "The
/// Curious Case of Neural Text Degeneration", §3.1) with a seeded generator, so one seed always
/// gives the same continuation.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>The most tokens to add (the stop token is not counted: it ends generation unadded).</summary>
    public int MaxNewTokens { get; init; } = 32;

    /// <summary>0 = greedy; otherwise logits are divided by it before the softmax (≤ 100).</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus mass p in (0, 1]: sample among the most probable tokens whose mass first reaches p.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>The sampler's seed; null draws one (reported in <see cref="GenerationResult.Seed"/>).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Ids that end generation (the end-of-text tokens: <see cref="StopTokens"/>).</summary>
    public IReadOnlyCollection<int> StopIds { get; init; } = [];

    /// <summary>Use the model's key/value cache when it has one (<see cref="Models.ICausalPrefixReuse"/>);
    /// false runs a full forward per token (the fallback of the other families, kept for tests).</summary>
    public bool UseKeyValueCache { get; init; } = true;

    /// <summary>Threads of each forward (0 = the kernels' default).</summary>
    public int Threads { get; init; }

    public const int MaxNewTokensLimit = 4096;

    /// <summary>Refuses an option out of range, naming it.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1 || MaxNewTokens > MaxNewTokensLimit)
            throw new GenerationException($"maxNewTokens {MaxNewTokens} must lie in 1..{MaxNewTokensLimit}.");
        if (!double.IsFinite(Temperature) || Temperature < 0 || Temperature > 100)
            throw new GenerationException($"temperature {Temperature} must lie in [0, 100] (0 = greedy).");
        if (!double.IsFinite(TopP) || TopP <= 0 || TopP > 1)
            throw new GenerationException($"topP {TopP} must lie in (0, 1].");
    }
}
