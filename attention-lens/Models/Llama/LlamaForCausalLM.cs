using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>
/// modeling_llama.py LlamaModel (embed_tokens, decoder layers, final norm) and LlamaForCausalLM's
/// lm_head. With tie_word_embeddings the head is embed_tokens (as transformers ties them, whether
/// or not lm_head.weight is also stored); otherwise lm_head.weight must be stored. Positions are
/// 0..T−1 (cache_position) regardless of padding, as in transformers 4.40.
/// </summary>
public sealed partial class LlamaForCausalLM : ITransformerModel, ILogitLens, ICausalPrefixReuse, IDifferentiableModel, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly Embedding _embed;
    private readonly LlamaDecoderLayer[] _layers;
    private readonly RmsNorm _norm;
    private readonly Linear? _lmHead;
    private readonly float[] _inverseFrequencies;
    private readonly int? _slidingWindow;

    private LlamaForCausalLM(IKernels kernels, Embedding embed, LlamaDecoderLayer[] layers, RmsNorm norm, Linear? lmHead, float[] inverseFrequencies, int? slidingWindow, ModelInfo info)
    {
        _kernels = kernels;
        _embed = embed;
        _layers = layers;
        _norm = norm;
        _lmHead = lmHead;
        _inverseFrequencies = inverseFrequencies;
        _slidingWindow = slidingWindow;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <param name="w">Root scope of a store retrying with the "model." prefix.</param>
    public static LlamaForCausalLM Load(IKernels kernels, WeightScope w, LlamaConfig c, string configPath, string modelType, string architecture, bool withHead)
    {
        c.Validate(configPath);
        var inv = c.RopeScaling is { } scaling
            ? scaling.InverseFrequencies(c.HeadDim, c.RopeTheta, configPath)
            : RopeTable.DefaultInverseFrequencies(c.HeadDim, c.RopeTheta);
        var embed = Embedding.Load(w.Scope("embed_tokens"), c.VocabSize, c.HiddenSize, "vocab_size");
        var layers = Enumerable.Range(0, c.NumHiddenLayers).Select(i => LlamaDecoderLayer.Load(w.Scope("layers").Scope(i.ToString()), c)).ToArray();
        var norm = RmsNorm.Load(w.Scope("norm"), c.HiddenSize, c.RmsNormEps);
        Linear? head = null;
        if (withHead)
            head = c.TieWordEmbeddings
                ? Linear.FromWeights(embed.Data, ReadOnlyMemory<float>.Empty, c.HiddenSize, c.VocabSize)
                : Linear.Load(w.Scope("lm_head"), c.HiddenSize, c.VocabSize, bias: false);
        var info = new ModelInfo(modelType, architecture, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HiddenSize, c.HeadDim,
            c.VocabSize, w.Store.ParameterCount, IsCausal: true, HasLmHead: withHead, NumLabels: 0, MaxPositions: c.MaxPositionEmbeddings)
        {
            Head = withHead ? ModelHead.CausalLM : ModelHead.Base,
        };
        return new LlamaForCausalLM(kernels, embed, layers, norm, head, inv, c.EffectiveSlidingWindow, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(input, options ?? ForwardOptions.Default, null, cancellationToken);

    public (ForwardResult Result, KeyValueCache Cache) ForwardWithCache(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken = default)
    {
        var cache = new KeyValueCache(input, Info.Layers, Info.KeyValueHeads * Info.HeadDim);
        return (Run(input, options, cache, cancellationToken), cache);
    }

    public float[] LogitsFrom(KeyValueCache cache, int start, ForwardInput input, int[] logitRows, int threads = 0, CancellationToken cancellationToken = default)
    {
        int t = input.Length;
        PrefixResume.Check(cache, start, input, logitRows, _lmHead is not null);
        var kernels = _kernels.WithThreads(threads);
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        // The same mask as the full pass (sliding window included), so the recomputed rows match it.
        var bias = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        return PrefixResume.RunSuffix(kernels, input.InputIds.AsSpan(start), start, Info.HiddenSize, _layers.Length, logitRows,
            (ids, x) => _embed.Lookup(ids, x, accumulate: false),
            (l, x, y) => _layers[l].ForwardSuffix(kernels, x, y, bias, rope, cache.Keys[l], cache.Values[l], start, t),
            _norm, _lmHead!, cancellationToken);
    }

    public float[] AppendTokens(KeyValueCache cache, ReadOnlySpan<int> ids, int threads = 0, CancellationToken cancellationToken = default)
    {
        int start = cache.Tokens, rows = ids.Length;
        PrefixResume.CheckAppend(cache, rows, Info.MaxPositions, _lmHead is not null);
        var kernels = _kernels.WithThreads(threads);
        cache.Reserve(start + rows);
        var rope = new RopeTable(rows, Info.HeadDim, 0, _inverseFrequencies, firstPosition: start);
        var mask = cache.Input.AttentionMask;
        var logits = PrefixResume.RunSuffix(kernels, ids, start, Info.HiddenSize, _layers.Length, [start + rows - 1],
            (suffix, x) => _embed.Lookup(suffix, x, accumulate: false),
            (l, x, y) => _layers[l].Append(kernels, x, y, rope, cache.Keys[l], cache.Values[l], start, rows, mask, _slidingWindow),
            _norm, _lmHead!, cancellationToken);
        cache.Commit(ids);
        return logits;
    }

    private ForwardResult Run(ForwardInput input, ForwardOptions options, KeyValueCache? cache, CancellationToken cancellationToken)
    {
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length, c = Info.HiddenSize;
        if (t == 0) throw new AttentionLensException("the input has no tokens.");
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions} (max_position_embeddings).");
        int first = options.ResumeFrom?.Layer ?? 0, last = Math.Min(options.StopAfterLayer ?? Info.Layers - 1, Info.Layers - 1);
        var trace = new ForwardTrace(Info.Layers, Info.Heads, t, c, options)
        {
            ResidualStream = options.CaptureResidualStream ? new ResidualStream(Info.Layers, t, c) : null,
            ZeroValue = options.ZeroValue,
            FirstLayer = first,
            LastLayer = last,
        };
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing): the embeddings are not needed.
            if (resume.Layer < 0 || resume.Layer >= Info.Layers || resume.Hidden.Length < t * c)
                throw new AttentionLensException($"ResumeFrom: layer {resume.Layer} with {resume.Hidden.Length} values does not fit this model ({Info.Layers} layers, {t} × {c} states).");
            resume.Hidden.AsSpan(0, t * c).CopyTo(trace.HiddenState(first));
        }
        else
            _embed.LookupOrGiven(input.InputIds, options.InputsEmbeds, trace.HiddenState(0));
        var rope = new RopeTable(t, Info.HeadDim, 0, _inverseFrequencies);
        // Mistral (and Qwen2 with use_sliding_window) mask keys more than sliding_window positions back.
        var bias = SlidingWindowMask.CausalOrPadding(input.AttentionMask, t, _slidingWindow);
        // Only the logit rows of the last layer's output, when the caller reads nothing else of it.
        var lastRows = LastLayerRows.For(options, _lmHead is not null, Info.Layers, t);
        // Layer l writes hidden state l + 1 in place, except the last, whose output is the final norm's input.
        using var lastBuffer = new Scratch(t * c);
        for (int l = first; l <= last; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = l + 1 < _layers.Length ? trace.HiddenState(l + 1) : lastBuffer.Span;
            _layers[l].Forward(kernels, trace.HiddenState(l), output, bias, rope, trace.LayerAttention(l), trace.LayerValueOutputs(l), t,
                trace.ResidualStream is { } stream ? stream.Mid(l) : default,
                cache is null ? default : cache.Keys[l], cache is null ? default : cache.Values[l], trace.ZeroValueToken(l),
                l + 1 == _layers.Length ? lastRows : null);
            if (trace.ResidualStream is { } kept) output.CopyTo(kept.Post(l));
        }
        // Stopped early: the states after layer `last` (and the logits) are undefined.
        if (last < Info.Layers - 1) return trace.ToResult();
        LastLayerRows.FinalNorm(kernels, _norm, lastBuffer.Span, lastRows, trace.HiddenState(Info.Layers), c, t);
        if (_lmHead is null || !options.ComputeLogits) return trace.ToResult();
        var (logits, rows) = LmHeadRows.Compute(kernels, _lmHead, trace.HiddenState(Info.Layers), t, options.LogitRows);
        return trace.ToResult(logits: logits, logitRows: rows);
    }

    /// <summary>lm_head(norm(h)) (docs/methods.md#logitlens).</summary>
    public float[] LensLogits(ReadOnlySpan<float> residual, int rows)
    {
        if (_lmHead is null) throw new AttentionLensException("this LLaMA checkpoint has no LM head, so the logit lens has nothing to read with.");
        var normed = new float[rows * Info.HiddenSize];
        _norm.Forward(_kernels, residual, normed, rows);
        var logits = new float[rows * Info.VocabSize];
        _lmHead.Forward(_kernels, normed, logits, rows);
        return logits;
    }
}
