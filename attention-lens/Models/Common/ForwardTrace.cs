namespace AttentionLens.Models;

/// <summary>
/// The per-call record a forward pass fills layer by layer: attentions (L, H, T, T), hidden states
/// (L+1, T, C) and, when asked, value outputs (L, H, T, C). Owned by one call, never shared.
/// </summary>
public sealed class ForwardTrace
{
    /// <param name="headMean">Keep attention as the mean over heads (<see cref="ForwardOptions.HeadMeanAttention"/>).</param>
    public ForwardTrace(int layers, int heads, int tokens, int hidden, bool captureValueOutputs, bool headMean = false)
    {
        Layers = layers;
        Heads = heads;
        Tokens = tokens;
        Hidden = hidden;
        _headMean = headMean && heads > 1;
        // Not zeroed: every forward writes each element (probs of every head, every hidden state,
        // every value output) before the trace is returned; a failed pass discards the trace.
        Attentions = GC.AllocateUninitializedArray<float>(checked(layers * (_headMean ? 1 : heads) * tokens * tokens));
        _layerProbs = _headMean ? GC.AllocateUninitializedArray<float>(checked(heads * tokens * tokens)) : null;
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

    private readonly bool _headMean;
    private readonly float[]? _layerProbs;
    private int _pendingLayer = -1;

    /// <summary>(H, T, T) block of <paramref name="layer"/> for the model to write. With head means,
    /// one buffer serves every layer: asking for the next layer (or <see cref="ToResult"/>) first
    /// folds the previous layer's heads into their mean.</summary>
    public Span<float> LayerAttention(int layer)
    {
        if (!_headMean) return Attentions.AsSpan(layer * Heads * Tokens * Tokens, Heads * Tokens * Tokens);
        if (layer != _pendingLayer) FoldPending();
        _pendingLayer = layer;
        return _layerProbs!;
    }

    /// <summary>Attentions[l] = (1/H)·Σ_h probs[h] for the layer last handed out.</summary>
    private void FoldPending()
    {
        if (_pendingLayer < 0) return;
        int tt = Tokens * Tokens;
        var mean = Attentions.AsSpan(_pendingLayer * tt, tt);
        var probs = _layerProbs!.AsSpan();
        probs[..tt].CopyTo(mean);
        for (int h = 1; h < Heads; h++)
        {
            var head = probs.Slice(h * tt, tt);
            int i = 0;
            for (; i + System.Numerics.Vector<float>.Count <= tt; i += System.Numerics.Vector<float>.Count)
                (new System.Numerics.Vector<float>(mean[i..]) + new System.Numerics.Vector<float>(head[i..])).CopyTo(mean[i..]);
            for (; i < tt; i++) mean[i] += head[i];
        }
        float scale = 1f / Heads;
        for (int i = 0; i < tt; i++) mean[i] *= scale;
        _pendingLayer = -1;
    }

    /// <summary>(T, C) hidden state <paramref name="index"/> (0 = embeddings).</summary>
    public Span<float> HiddenState(int index) => HiddenStates.AsSpan(index * Tokens * Hidden, Tokens * Hidden);

    /// <summary>(H, T, C) value outputs of <paramref name="layer"/>, or empty when not captured.</summary>
    public Span<float> LayerValueOutputs(int layer) =>
        ValueOutputs is null ? Span<float>.Empty : ValueOutputs.AsSpan(layer * Heads * Tokens * Hidden, Heads * Tokens * Hidden);

    public ForwardResult ToResult(float[]? logits = null, float[]? classifierLogits = null, float[]? pooled = null, int[]? logitRows = null)
    {
        FoldPending();
        return Result(logits, classifierLogits, pooled, logitRows);
    }

    private ForwardResult Result(float[]? logits, float[]? classifierLogits, float[]? pooled, int[]? logitRows) => new()
    {
        Layers = Layers,
        Heads = _headMean ? 1 : Heads,
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
