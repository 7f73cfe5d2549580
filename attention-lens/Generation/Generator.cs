using AttentionLens.Models;

namespace AttentionLens.Generation;

/// <summary>
/// Continues a prompt with a causal LM, one token at a time: each step reads the LM logits of the
/// last position and picks the next token (<see cref="TokenSampler"/>: greedy by default), until
/// <see cref="GenerationOptions.MaxNewTokens"/> tokens, a stop token, or the model's position limit.
/// Models with a key/value cache (<see cref="ICausalPrefixReuse"/>: every decoder family's LM — Llama
/// and its relatives, GPT-2, and GPT-NeoX, OPT, Phi, Phi-3, Gemma, Gemma 2, OLMo-2 through
/// <see cref="DecoderTaskModel"/>) run the prompt once and then only the new token's row per step
/// (T·C² + T·H·D work instead of the whole T-row forward); a model without one (or
/// <see cref="GenerationOptions.UseKeyValueCache"/> off) runs a full forward of the sequence per step —
/// the same tokens, slower by about the sequence length. Cancellation is checked before every step
/// and once per layer inside it.
/// </summary>
public static class Generator
{
    /// <param name="onToken">Called after each added token with its step (0-based) and the token.</param>
    public static GenerationResult Generate(ITransformerModel model, IReadOnlyList<int> promptIds, GenerationOptions options,
        Action<int, GeneratedToken>? onToken = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var info = model.Info;
        if (!info.IsCausal || !info.HasLmHead || info.Head != ModelHead.CausalLM)
            throw new GenerationException($"generation needs a causal language model (an LM head on a decoder); this {info.Architecture} has {(info.IsCausal ? "no LM head" : "a bidirectional encoder")}.");
        if (promptIds.Count == 0) throw new GenerationException("the prompt has no tokens: select some text to continue.");
        int limit = info.MaxPositions > 0 ? info.MaxPositions : int.MaxValue;
        if (promptIds.Count >= limit)
            throw new GenerationException($"the prompt has {promptIds.Count} tokens; this model allows at most {limit} positions, so there is no room to continue it.");
        foreach (var id in promptIds)
            if (id < 0 || id >= info.VocabSize) throw new GenerationException($"prompt token id {id} is outside the vocabulary (0..{info.VocabSize - 1}).");

        ulong? seed = options.Temperature == 0 ? null : options.Seed ?? (ulong)Random.Shared.NextInt64();
        var sampler = new TokenSampler(options.Temperature, options.TopP, seed ?? 0);
        var stops = new HashSet<int>(options.StopIds);
        var ids = new List<int>(promptIds);
        var reuse = options.UseKeyValueCache ? model as ICausalPrefixReuse : null;
        // Only the last row's logits are read: the last layer's output at that row alone, too.
        var forwardOptions = new ForwardOptions { LogitRows = [0], LastLayerLogitRowsOnly = true, HeadMeanAttention = true, Threads = options.Threads };
        KeyValueCache? cache = null;
        var tokens = new List<GeneratedToken>();
        var stop = GenerationStop.MaxNewTokens;
        int? stopId = null;
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            float[] logits;
            if (reuse is not null && cache is not null)
                logits = reuse.AppendTokens(cache, [ids[^1]], options.Threads, cancellationToken);
            else
            {
                // The prompt (or, without a cache, the whole sequence so far): logits of the last row only.
                var input = new ForwardInput(ids.ToArray());
                var o = forwardOptions with { LogitRows = [ids.Count - 1] };
                ForwardResult forward;
                if (reuse is not null)
                {
                    (forward, cache) = reuse.ForwardWithCache(input, o, cancellationToken);
                    cache.Reserve(Math.Min(limit, ids.Count + options.MaxNewTokens));
                }
                else forward = model.Forward(input, o, cancellationToken);
                logits = forward.LogitsAt(ids.Count - 1).ToArray();
            }
            var (next, probability) = sampler.Pick(logits);
            if (stops.Contains(next))
            {
                stop = GenerationStop.EndOfText;
                stopId = next;
                break;
            }
            var token = new GeneratedToken(next, probability);
            tokens.Add(token);
            ids.Add(next);
            onToken?.Invoke(step, token);
            if (ids.Count >= limit && tokens.Count < options.MaxNewTokens)
            {
                stop = GenerationStop.ContextFull;
                break;
            }
        }
        return new GenerationResult(promptIds.ToArray(), tokens, stop, stopId, reuse is not null, seed);
    }
}
