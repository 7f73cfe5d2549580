using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Gpt2;

/// <summary>
/// modeling_gpt2.py GPT2Model (wte + wpe, blocks, ln_f) and, when it has one, GPT2LMHeadModel's
/// lm_head: tied to wte unless tie_word_embeddings is false (then lm_head.weight is read).
/// Hidden states are the block inputs, then ln_f of the last output (GPT2Model.forward).
/// </summary>
public sealed partial class Gpt2LMHeadModel : ITransformerModel, ILogitLens, ICausalPrefixReuse, IDifferentiableModel, IDifferentiableBody
{
    private readonly IKernels _kernels;
    private readonly Embedding _wte;
    private readonly Embedding _wpe;
    private readonly Gpt2Block[] _blocks;
    private readonly LayerNorm _lnF;
    private readonly Linear? _lmHead;

    private Gpt2LMHeadModel(IKernels kernels, Embedding wte, Embedding wpe, Gpt2Block[] blocks, LayerNorm lnF, Linear? lmHead, ModelInfo info)
    {
        _kernels = kernels;
        _wte = wte;
        _wpe = wpe;
        _blocks = blocks;
        _lnF = lnF;
        _lmHead = lmHead;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <param name="w">Root scope of a store that retries with the "transformer." prefix.</param>
    /// <param name="withHead">GPT2LMHeadModel (true) or GPT2Model (false).</param>
    public static Gpt2LMHeadModel Load(IKernels kernels, WeightScope w, Gpt2Config c, string configPath, string architecture, bool withHead)
    {
        c.Validate(configPath);
        var wte = Embedding.Load(w.Scope("wte"), c.VocabSize, c.NEmbd, "vocab_size");
        var wpe = Embedding.Load(w.Scope("wpe"), c.NPositions, c.NEmbd, "n_positions");
        var blocks = Enumerable.Range(0, c.NLayer).Select(i => Gpt2Block.Load(w.Scope("h").Scope(i.ToString()), c, i, configPath)).ToArray();
        var lnF = LayerNorm.Load(w.Scope("ln_f"), c.NEmbd, c.LayerNormEpsilon);
        Linear? head = null;
        if (withHead)
            head = c.TieWordEmbeddings
                ? Linear.FromWeights(wte.Data, ReadOnlyMemory<float>.Empty, c.NEmbd, c.VocabSize)
                : Linear.Load(w.Scope("lm_head"), c.NEmbd, c.VocabSize, bias: false);
        var info = new ModelInfo("gpt2", architecture, c.NLayer, c.NHead, c.NHead, c.NEmbd, c.HeadDim, c.VocabSize,
            w.Store.ParameterCount, IsCausal: true, HasLmHead: withHead, NumLabels: 0, MaxPositions: c.NPositions)
        {
            Head = withHead ? ModelHead.CausalLM : ModelHead.Base,
        };
        return new Gpt2LMHeadModel(kernels, wte, wpe, blocks, lnF, head, info);
    }

    public ForwardResult Forward(ForwardInput input, ForwardOptions? options = null, CancellationToken cancellationToken = default) =>
        Run(input, options ?? ForwardOptions.Default, null, cancellationToken);

    public (ForwardResult Result, KeyValueCache Cache) ForwardWithCache(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken = default)
    {
        var cache = new KeyValueCache(input, Info.Layers, Info.HiddenSize);
        return (Run(input, options, cache, cancellationToken), cache);
    }

    public float[] LogitsFrom(KeyValueCache cache, int start, ForwardInput input, int[] logitRows, int threads = 0, CancellationToken cancellationToken = default)
    {
        int t = input.Length;
        PrefixResume.Check(cache, start, input, logitRows, _lmHead is not null);
        var kernels = _kernels.WithThreads(threads);
        var bias = AttentionMasks.CausalThenPadding(input.AttentionMask, t);
        return PrefixResume.RunSuffix(kernels, input.InputIds.AsSpan(start), start, Info.HiddenSize, _blocks.Length, logitRows,
            (ids, x) =>
            {
                EmbedSuffix(ids, start, x);
                if (input.TokenTypeIds is { } types)
                {
                    if (types.Length != t) throw new AttentionLensException($"{types.Length} token type ids for {t} input ids; give one per token.");
                    _wte.Lookup(types.AsSpan(start), x, accumulate: true);
                }
            },
            (l, x, y) => _blocks[l].ForwardSuffix(kernels, x, y, bias, cache.Keys[l], cache.Values[l], start, t),
            _lnF, _lmHead!, cancellationToken);
    }

    public float[] AppendTokens(KeyValueCache cache, ReadOnlySpan<int> ids, int threads = 0, CancellationToken cancellationToken = default)
    {
        int start = cache.Tokens, rows = ids.Length;
        PrefixResume.CheckAppend(cache, rows, Info.MaxPositions, _lmHead is not null);
        var kernels = _kernels.WithThreads(threads);
        cache.Reserve(start + rows);
        var mask = cache.Input.AttentionMask;
        var logits = PrefixResume.RunSuffix(kernels, ids, start, Info.HiddenSize, _blocks.Length, [start + rows - 1],
            (suffix, x) => EmbedSuffix(suffix, start, x),
            (l, x, y) => _blocks[l].Append(kernels, x, y, cache.Keys[l], cache.Values[l], start, rows, mask),
            _lnF, _lmHead!, cancellationToken);
        cache.Commit(ids);
        return logits;
    }

    /// <summary>Token and learned position embeddings of the suffix starting at position <paramref name="start"/>.</summary>
    private void EmbedSuffix(ReadOnlySpan<int> ids, int start, Span<float> x)
    {
        _wte.Lookup(ids, x, accumulate: false);
        _wpe.Lookup(Enumerable.Range(start, ids.Length).ToArray(), x, accumulate: true);
    }

    private ForwardResult Run(ForwardInput input, ForwardOptions options, KeyValueCache? cache, CancellationToken cancellationToken)
    {
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length, c = Info.HiddenSize;
        if (t == 0) throw new AttentionLensException("the input has no tokens.");
        if (t > Info.MaxPositions) throw new AttentionLensException($"the input has {t} tokens; this model allows at most {Info.MaxPositions} (n_positions).");
        int first = options.ResumeFrom?.Layer ?? 0, last = Math.Min(options.StopAfterLayer ?? Info.Layers - 1, Info.Layers - 1);
        var trace = new ForwardTrace(Info.Layers, Info.Heads, t, c, options)
        {
            ResidualStream = options.CaptureResidualStream ? new ResidualStream(Info.Layers, t, c) : null,
            ZeroValue = options.ZeroValue,
            FirstLayer = first,
            LastLayer = last,
        };
        var bias = AttentionMasks.CausalThenPadding(input.AttentionMask, t);
        if (options.ResumeFrom is { } resume)
        {
            // Re-running from a layer's known input (value zeroing): the embeddings are not needed.
            if (resume.Layer < 0 || resume.Layer >= Info.Layers || resume.Hidden.Length < t * c)
                throw new AttentionLensException($"ResumeFrom: layer {resume.Layer} with {resume.Hidden.Length} values does not fit this model ({Info.Layers} layers, {t} × {c} states).");
            resume.Hidden.AsSpan(0, t * c).CopyTo(trace.HiddenState(first));
        }
        else
        {
            var h = trace.HiddenState(0);
            _wte.LookupOrGiven(input.InputIds, options.InputsEmbeds, h);
            _wpe.Lookup(Enumerable.Range(0, t).ToArray(), h, accumulate: true);
            // GPT2Model.forward embeds token_type_ids with wte when they are given.
            if (input.TokenTypeIds is { } types)
            {
                if (types.Length != t) throw new AttentionLensException($"{types.Length} token type ids for {t} input ids; give one per token.");
                _wte.Lookup(types, h, accumulate: true);
            }
        }
        // Only the logit rows of the last block's output, when the caller reads nothing else of it.
        var lastRows = LastLayerRows.For(options, _lmHead is not null, Info.Layers, t);
        // Block l writes hidden state l + 1 in place, except the last, whose output is ln_f's input.
        using var lastBuffer = new Scratch(t * c);
        for (int l = first; l <= last; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var output = l + 1 < _blocks.Length ? trace.HiddenState(l + 1) : lastBuffer.Span;
            _blocks[l].Forward(kernels, trace.HiddenState(l), output, bias, trace.LayerAttention(l), trace.LayerValueOutputs(l), t,
                trace.ResidualStream is { } stream ? stream.Mid(l) : default,
                cache is null ? default : cache.Keys[l], cache is null ? default : cache.Values[l], trace.ZeroValueToken(l),
                l + 1 == _blocks.Length ? lastRows : null);
            if (trace.ResidualStream is { } kept) output.CopyTo(kept.Post(l));
        }
        // Stopped early: the states after layer `last` (and the logits) are undefined.
        if (last < Info.Layers - 1) return trace.ToResult();
        LastLayerRows.FinalNorm(kernels, _lnF, lastBuffer.Span, lastRows, trace.HiddenState(Info.Layers), c, t);
        if (_lmHead is null || !options.ComputeLogits) return trace.ToResult();
        var (logits, rows) = LmHeadRows.Compute(kernels, _lmHead, trace.HiddenState(Info.Layers), t, options.LogitRows);
        return trace.ToResult(logits: logits, logitRows: rows);
    }

    /// <summary>lm_head(ln_f(h)) (docs/methods.md#logitlens).</summary>
    public float[] LensLogits(ReadOnlySpan<float> residual, int rows)
    {
        if (_lmHead is null) throw new AttentionLensException("this GPT-2 checkpoint has no LM head, so the logit lens has nothing to read with.");
        var normed = new float[rows * Info.HiddenSize];
        _lnF.Forward(_kernels, residual, normed, rows);
        var logits = new float[rows * Info.VocabSize];
        _lmHead.Forward(_kernels, normed, logits, rows);
        return logits;
    }
}
