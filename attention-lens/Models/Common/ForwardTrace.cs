using System.Numerics.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The per-call record a forward pass fills layer by layer: attentions (L, H, T, T), hidden states
/// (L+1, T, C) and, when asked, value outputs (L, H, T, C). Owned by one call, never shared.
/// </summary>
public sealed class ForwardTrace
{
    /// <param name="headMean">Keep attention as the mean over heads (<see cref="ForwardOptions.HeadMeanAttention"/>).</param>
    public ForwardTrace(int layers, int heads, int tokens, int hidden, bool captureValueOutputs, bool capturePostNormTerms = false, bool headMean = false)
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
        PostNormTerms = capturePostNormTerms ? new PostNormTerms(layers, tokens, hidden) : null;
    }

    public int Layers { get; }
    public int Heads { get; }
    public int Tokens { get; }
    public int Hidden { get; }
    public float[] Attentions { get; }
    public float[] HiddenStates { get; }
    public float[]? ValueOutputs { get; }

    /// <summary>Post-norm encoder terms, or null when not asked for (or the architecture has none).</summary>
    public PostNormTerms? PostNormTerms { get; }

    /// <summary>The residual stream around each block, when asked for (set by the decoders).</summary>
    public ResidualStream? ResidualStream { get; init; }

    /// <summary>Value zeroing asked for this pass, or null (set from <see cref="ForwardOptions.ZeroValue"/>).</summary>
    public ValueZeroing? ZeroValue { get; init; }

    /// <summary>The first layer this pass computes (0 unless it resumes from a layer's input,
    /// <see cref="ForwardOptions.ResumeFrom"/>); states before it are undefined and not checked.</summary>
    public int FirstLayer { get; init; }

    /// <summary>The last layer this pass computes (L − 1 unless it stops early,
    /// <see cref="ForwardOptions.StopAfterLayer"/>); states after it are undefined and not checked.</summary>
    public int? LastLayer { get; init; }

    /// <summary>The token whose value vectors <paramref name="layer"/> zeroes, or −1.</summary>
    public int ZeroValueToken(int layer) => ZeroValue is { } z && z.Layer == layer ? z.Token : -1;


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

    /// <summary>Heads the stored attention keeps per layer: 1 with head means, else H.</summary>
    private int StoredHeads => _headMean ? 1 : Heads;

    /// <summary>The stored (H', T, T) attention of <paramref name="layer"/> (H' = 1 with head means), after folding.</summary>
    private Span<float> StoredAttention(int layer) =>
        Attentions.AsSpan(layer * StoredHeads * Tokens * Tokens, StoredHeads * Tokens * Tokens);

    /// <summary>(T, C) hidden state <paramref name="index"/> (0 = embeddings).</summary>
    public Span<float> HiddenState(int index) => HiddenStates.AsSpan(index * Tokens * Hidden, Tokens * Hidden);

    /// <summary>(H, T, C) value outputs of <paramref name="layer"/>, or empty when not captured.</summary>
    public Span<float> LayerValueOutputs(int layer) =>
        ValueOutputs is null ? Span<float>.Empty : ValueOutputs.AsSpan(layer * Heads * Tokens * Hidden, Heads * Tokens * Hidden);

    /// <summary>
    /// The filled trace as a result, after <see cref="CheckFinite"/>: every architecture ends its
    /// forward here, so non-finite weights are caught in one place for all of them.
    /// </summary>
    public ForwardResult ToResult(float[]? logits = null, float[]? classifierLogits = null, float[]? pooled = null, int[]? logitRows = null)
    {
        FoldPending();
        CheckFinite(logits);
        return Result(logits, classifierLogits, pooled, logitRows);
    }

    /// <summary>Largest deviation of an attention row's sum from 1 that a float32 softmax leaves.</summary>
    private const double RowSumTolerance = 1e-3;

    /// <summary>
    /// Finds the first stage whose output is non-finite although its input was finite, in forward
    /// order: embeddings (hidden state 0), then per layer l its attention probabilities (non-finite,
    /// or rows whose sum is not 1 — a score that overflowed to ±Inf makes the softmax lose mass
    /// instead of turning NaN), then its output hidden state l+1; finally the logits. Weights are
    /// never scanned at load (loads do not touch every weight); this costs one pass over what the
    /// forward already wrote, O(L·(T·C + H·T²)), small beside the forward's O(L·T·C²): measured
    /// 14–38 ms for a BERT-base-sized trace at T = 512 beside a 2.2–3.4 s forward (2 shared cores).
    /// </summary>
    public void CheckFinite(float[]? logits = null)
    {
        FoldPending();
        int last = Math.Min(LastLayer ?? Layers - 1, Layers - 1);
        if (FirstLayer == 0 && !AllFinite(HiddenState(0)))
            throw new NonFiniteActivationException(-1, "the embedding output is not finite", "the embedding tensors (token, position and type embeddings, the embedding norm)");
        if (!AllFinite(HiddenState(FirstLayer)))
            throw new NonFiniteActivationException(FirstLayer - 1, "the hidden state this pass resumed from is not finite", "the earlier pass that produced it");
        for (int l = FirstLayer; l <= last; l++)
        {
            // With head means the stored rows are means of softmax rows, which also sum to 1.
            var attention = StoredAttention(l);
            for (int row = 0; row < StoredHeads * Tokens; row++)
            {
                var r = attention.Slice(row * Tokens, Tokens);
                // A float sum (SIMD) errs by about T·2⁻²⁴, far inside the tolerance; NaN or ±Inf
                // anywhere in the row makes it non-finite.
                float sum = TensorPrimitives.Sum<float>(r);
                if (!float.IsFinite(sum) || Math.Abs(sum - 1) > RowSumTolerance)
                    throw new NonFiniteActivationException(l,
                        $"the attention probabilities of head {row / Tokens}, query {row % Tokens} {(AllFinite(r) ? $"sum to {sum:G4}, not 1 (a score overflowed float32)" : "are NaN or Inf")}",
                        $"this layer's query and key projections and its input norm");
            }
            if (!AllFinite(HiddenState(l + 1)))
                throw new NonFiniteActivationException(l, "the output hidden state is not finite although its attention is",
                    "this layer's value and output projections, its MLP and its norms (or, for the last layer, the final norm)");
        }
        if (last == Layers - 1 && logits is not null && !AllFinite(logits))
            throw new NonFiniteActivationException(Layers - 1, "the logits are not finite although the last hidden state is", "the output head (lm_head or the tied word embeddings, its bias)");
    }

    /// <summary>
    /// A task head's outputs (classifier, token-classifier or QA logits, pooled state) after a body
    /// whose states passed <see cref="CheckFinite"/>: a non-finite value here can only come from the
    /// head's own weights, so the error names them rather than a layer's.
    /// </summary>
    public static void CheckHeadOutputs(int layers, params ReadOnlySpan<float[]?> outputs)
    {
        foreach (var output in outputs)
            if (output is not null && !AllFinite(output))
                throw new NonFiniteActivationException(layers - 1, "the task head's outputs are not finite although the last hidden state is",
                    "the task head (its pooler, classifier or QA output weights and biases)");
    }

    /// <summary>One SIMD pass: the largest magnitude is NaN if any value is NaN (TensorPrimitives
    /// propagates NaN in its max reductions) and +Inf if any value is ±Inf.</summary>
    private static bool AllFinite(ReadOnlySpan<float> values) =>
        values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude<float>(values));

    private ForwardResult Result(float[]? logits, float[]? classifierLogits, float[]? pooled, int[]? logitRows) => new()
    {
        Layers = Layers,
        Heads = _headMean ? 1 : Heads,
        Tokens = Tokens,
        Hidden = Hidden,
        Attentions = Attentions,
        HiddenStates = HiddenStates,
        ValueOutputs = ValueOutputs,
        PostNormTerms = PostNormTerms,
        ResidualStream = ResidualStream,
        Logits = logits,
        LogitRows = logitRows,
        ClassifierLogits = classifierLogits,
        PooledOutput = pooled,
    };
}
