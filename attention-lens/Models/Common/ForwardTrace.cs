using System.Numerics.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The per-call record a forward pass fills layer by layer: attentions (L, H, T, T), hidden states
/// (L+1, T, C) and, when asked, value outputs (L, H, T, C). Owned by one call, never shared.
/// </summary>
public sealed class ForwardTrace
{
    /// <summary>A trace for what <paramref name="options"/> asks: value outputs (or only their Grams),
    /// head means, the attention storage. The decoders build theirs this way.</summary>
    public ForwardTrace(int layers, int heads, int tokens, int hidden, ForwardOptions options)
        : this(layers, heads, tokens, hidden, options.CaptureValueOutputs && !options.CaptureValueGram, headMean: options.HeadMeanAttention, storage: options.AttentionStorage)
    {
        _threads = options.Threads;
        if (!options.CaptureValueOutputs || !options.CaptureValueGram) return;
        _layerValues = GC.AllocateUninitializedArray<float>(checked(heads * tokens * hidden));
        ValueGram = GC.AllocateUninitializedArray<double>(checked(layers * tokens * heads * heads));
    }

    /// <param name="headMean">Keep attention as the mean over heads (<see cref="ForwardOptions.HeadMeanAttention"/>).</param>
    /// <param name="storage">How per-head attention is kept (<see cref="ForwardOptions.AttentionStorage"/>); ignored with head means.</param>
    public ForwardTrace(int layers, int heads, int tokens, int hidden, bool captureValueOutputs, bool capturePostNormTerms = false, bool headMean = false,
        AttentionStorage storage = AttentionStorage.Float32)
    {
        Layers = layers;
        Heads = heads;
        Tokens = tokens;
        Hidden = hidden;
        _headMean = headMean && heads > 1;
        // Not zeroed: every forward writes each element (probs of every head, every hidden state,
        // every value output) before the trace is returned; a failed pass discards the trace.
        if (_headMean)
        {
            Store = AttentionStore.Wrap(GC.AllocateUninitializedArray<float>(checked(layers * tokens * tokens)), layers, 1, tokens);
            _layerProbs = GC.AllocateUninitializedArray<float>(checked(heads * tokens * tokens));
        }
        else
        {
            Store = AttentionStore.Allocate(layers, heads, tokens, storage);
            // Half precision: each layer is written in float32 here, checked, then rounded into the store.
            _layerProbs = Store.WritesInPlace ? null : GC.AllocateUninitializedArray<float>(checked(heads * tokens * tokens));
            _attentionFaults = Store.WritesInPlace ? null : new string?[layers];
        }
        HiddenStates = GC.AllocateUninitializedArray<float>(checked((layers + 1) * tokens * hidden));
        ValueOutputs = captureValueOutputs ? GC.AllocateUninitializedArray<float>(checked(layers * heads * tokens * hidden)) : null;
        PostNormTerms = capturePostNormTerms ? new PostNormTerms(layers, tokens, hidden) : null;
    }

    public int Layers { get; }
    public int Heads { get; }
    public int Tokens { get; }
    public int Hidden { get; }
    /// <summary>The attention probabilities as kept (<see cref="AttentionStore"/>): (L, H, T, T), or (L, 1, T, T) with head means.</summary>
    public AttentionStore Store { get; }

    /// <summary>The flat float32 attention array; only when <see cref="Store"/> keeps one (every encoder does).</summary>
    public float[] Attentions => Store.Flat ?? throw new InvalidOperationException("this trace keeps attention per layer (AttentionStore); read it through Store.");
    public float[] HiddenStates { get; }
    public float[]? ValueOutputs { get; }

    /// <summary>(L, T, H, H) Grams of the value outputs when only those were asked for
    /// (<see cref="ForwardOptions.CaptureValueGram"/>), else null.</summary>
    public double[]? ValueGram { get; }

    private readonly float[]? _layerValues;
    private readonly int _threads;
    private int _pendingValues = -1;

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
    private readonly string?[]? _attentionFaults;
    private int _pendingLayer = -1;

    /// <summary>(H, T, T) block of <paramref name="layer"/> for the model to write. With head means or
    /// half-precision storage, one float32 buffer serves every layer: asking for the next layer (or
    /// <see cref="ToResult"/>) first folds the previous layer's heads into their mean, or checks and
    /// rounds them into the store.</summary>
    public Span<float> LayerAttention(int layer)
    {
        if (_layerProbs is null) return Store.WritableLayer(layer);
        if (layer != _pendingLayer) FoldPending();
        _pendingLayer = layer;
        return _layerProbs;
    }

    /// <summary>Head means: Attentions[l] = (1/H)·Σ_h probs[h] for the layer last handed out. Half
    /// precision: the layer's rows are checked in float32 (<see cref="CheckFinite"/> reports the fault
    /// in forward order later), then rounded into the store.</summary>
    private void FoldPending()
    {
        if (_pendingLayer < 0) return;
        if (!_headMean)
        {
            _attentionFaults![_pendingLayer] = AttentionFault(_layerProbs, Heads);
            Store.EncodeLayer(_pendingLayer, _layerProbs);
            _pendingLayer = -1;
            return;
        }
        int tt = Tokens * Tokens;
        var mean = Store.WritableLayer(_pendingLayer);
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

    /// <summary>(H, T, C) value outputs of <paramref name="layer"/>, or empty when not captured. With
    /// Grams only, one buffer serves every layer: asking for the next layer (or <see cref="ToResult"/>)
    /// first turns the previous layer's value outputs into its Grams.</summary>
    public Span<float> LayerValueOutputs(int layer)
    {
        if (_layerValues is not null)
        {
            if (layer != _pendingValues) FoldValues();
            _pendingValues = layer;
            return _layerValues;
        }
        return ValueOutputs is null ? Span<float>.Empty : ValueOutputs.AsSpan(layer * Heads * Tokens * Hidden, Heads * Tokens * Hidden);
    }

    private void FoldValues()
    {
        if (_pendingValues < 0) return;
        ValueOutputGram.Layer(_layerValues!, Heads, Tokens, Hidden, ValueGram!, _pendingValues * Tokens * Heads * Heads, _threads);
        _pendingValues = -1;
    }

    /// <summary>
    /// The filled trace as a result, after <see cref="CheckFinite"/>: every architecture ends its
    /// forward here, so non-finite weights are caught in one place for all of them.
    /// </summary>
    public ForwardResult ToResult(float[]? logits = null, float[]? classifierLogits = null, float[]? pooled = null, int[]? logitRows = null)
    {
        FoldPending();
        FoldValues();
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
            // With head means the stored rows are means of softmax rows, which also sum to 1; in half
            // precision each layer was checked in float32 before rounding.
            var fault = _attentionFaults is null ? AttentionFault(Store.WritableLayer(l), Store.Heads) : _attentionFaults[l];
            if (fault is not null)
                throw new NonFiniteActivationException(l, fault, "this layer's query and key projections and its input norm");
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

    /// <summary>The first row of a layer's (H', T, T) probabilities that is non-finite or does not
    /// sum to 1, described; null when every row is a distribution.</summary>
    private string? AttentionFault(ReadOnlySpan<float> attention, int heads)
    {
        for (int row = 0; row < heads * Tokens; row++)
        {
            var r = attention.Slice(row * Tokens, Tokens);
            // A float sum (SIMD) errs by about T·2⁻²⁴, far inside the tolerance; NaN or ±Inf
            // anywhere in the row makes it non-finite.
            float sum = TensorPrimitives.Sum<float>(r);
            if (!float.IsFinite(sum) || Math.Abs(sum - 1) > RowSumTolerance)
                return $"the attention probabilities of head {row / Tokens}, query {row % Tokens} {(AllFinite(r) ? $"sum to {sum:G4}, not 1 (a score overflowed float32)" : "are NaN or Inf")}";
        }
        return null;
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
        AttentionStore = Store,
        HiddenStates = HiddenStates,
        ValueOutputs = ValueOutputs,
        ValueGram = ValueGram,
        PostNormTerms = PostNormTerms,
        ResidualStream = ResidualStream,
        Logits = logits,
        LogitRows = logitRows,
        ClassifierLogits = classifierLogits,
        PooledOutput = pooled,
    };
}
