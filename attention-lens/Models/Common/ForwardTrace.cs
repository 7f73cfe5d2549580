namespace AttentionLens.Models;

/// <summary>
/// The per-call record a forward pass fills layer by layer: attentions (L, H, T, T), hidden states
/// (L+1, T, C) and, when asked, value outputs (L, H, T, C). Owned by one call, never shared.
/// </summary>
public sealed class ForwardTrace
{
    public ForwardTrace(int layers, int heads, int tokens, int hidden, bool captureValueOutputs)
    {
        Layers = layers;
        Heads = heads;
        Tokens = tokens;
        Hidden = hidden;
        // Not zeroed: every forward writes each element (probs of every head, every hidden state,
        // every value output) before the trace is returned; a failed pass discards the trace.
        Attentions = GC.AllocateUninitializedArray<float>(checked(layers * heads * tokens * tokens));
        HiddenStates = GC.AllocateUninitializedArray<float>(checked((layers + 1) * tokens * hidden));
        ValueOutputs = captureValueOutputs ? GC.AllocateUninitializedArray<float>(checked(layers * heads * tokens * hidden)) : null;
    }

    public int Layers { get; }
    public int Heads { get; }
    public int Tokens { get; }
    public int Hidden { get; }
    public float[] Attentions { get; }
    public float[] HiddenStates { get; }
    public float[]? ValueOutputs { get; }

    /// <summary>(H, T, T) block of <paramref name="layer"/>.</summary>
    public Span<float> LayerAttention(int layer) => Attentions.AsSpan(layer * Heads * Tokens * Tokens, Heads * Tokens * Tokens);

    /// <summary>(T, C) hidden state <paramref name="index"/> (0 = embeddings).</summary>
    public Span<float> HiddenState(int index) => HiddenStates.AsSpan(index * Tokens * Hidden, Tokens * Hidden);

    /// <summary>(H, T, C) value outputs of <paramref name="layer"/>, or empty when not captured.</summary>
    public Span<float> LayerValueOutputs(int layer) =>
        ValueOutputs is null ? Span<float>.Empty : ValueOutputs.AsSpan(layer * Heads * Tokens * Hidden, Heads * Tokens * Hidden);

    public ForwardResult ToResult(float[]? logits = null, float[]? classifierLogits = null, float[]? pooled = null, int[]? logitRows = null) => new()
    {
        Layers = Layers,
        Heads = Heads,
        Tokens = Tokens,
        Hidden = Hidden,
        Attentions = Attentions,
        HiddenStates = HiddenStates,
        ValueOutputs = ValueOutputs,
        Logits = logits,
        LogitRows = logitRows,
        ClassifierLogits = classifierLogits,
        PooledOutput = pooled,
    };
}
