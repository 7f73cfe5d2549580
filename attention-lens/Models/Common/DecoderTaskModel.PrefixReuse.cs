using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The causal-LM head over a body that can recompute the rows after a cached prefix
/// (<see cref="ICausalSuffixBody"/>: GPT-NeoX, OPT, Phi, Phi-3, Gemma, Gemma 2, OLMo-2) reuses keys and
/// values as Llama and GPT-2 do: occlusion and AOPC recompute rows j… only, and generation appends one
/// row per token (<see cref="ICausalPrefixReuse"/>). The cache of a forward is filled from its hidden
/// states (each layer's keys and values are a function of the layer's input), so the forward itself
/// runs unchanged and costs only the key and value projections more.
/// </summary>
public sealed partial class DecoderTaskModel : ICausalPrefixReuse
{
    public (ForwardResult Result, KeyValueCache Cache) ForwardWithCache(ForwardInput input, ForwardOptions options, CancellationToken cancellationToken = default)
    {
        var body = SuffixBody();
        if (options.ResumeFrom is not null || options.StopAfterLayer is not null || options.ZeroValue is not null || options.InputsEmbeds is not null)
            throw new AttentionLensException("a forward that fills a key/value cache runs every layer on the input ids: leave ResumeFrom, StopAfterLayer, ZeroValue and InputsEmbeds unset.");
        var result = Forward(input, options, cancellationToken);
        var kernels = _kernels.WithThreads(options.Threads);
        int t = input.Length, c = _body.Info.HiddenSize;
        var cache = new KeyValueCache(input, result.Layers, _body.Info.KeyValueHeads * _body.Info.HeadDim);
        var rows = body.Rows(input, 0);
        for (int l = 0; l < result.Layers; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Hidden state l is layer l's input (the last one, L, is the final norm's output and is not read).
            body.LayerKeyValues(kernels, l, result.HiddenStates.AsSpan(l * t * c, t * c), rows, cache.Keys[l], cache.Values[l]);
        }
        return (result, cache);
    }

    public float[] LogitsFrom(KeyValueCache cache, int start, ForwardInput input, int[] logitRows, int threads = 0, CancellationToken cancellationToken = default)
    {
        var body = SuffixBody();
        PrefixResume.Check(cache, start, input, logitRows, hasHead: true);
        var kernels = _kernels.WithThreads(threads);
        var rows = body.Rows(input, start);
        int width = cache.Width, t = input.Length;
        // The cache serves many changed inputs (one per occluded token): each layer's prefix rows are
        // copied beside the recomputed ones, never overwritten.
        var keys = GC.AllocateUninitializedArray<float>(checked(t * width));
        var values = GC.AllocateUninitializedArray<float>(checked(t * width));
        return PrefixResume.RunSuffix(input.InputIds.AsSpan(start), _body.Info.HiddenSize, cache.Keys.Length,
            (_, x) => body.EmbedRows(kernels, input, rows, x),
            (l, x, y) =>
            {
                cache.Keys[l].AsSpan(0, start * width).CopyTo(keys);
                cache.Values[l].AsSpan(0, start * width).CopyTo(values);
                body.LayerRows(kernels, l, x, y, rows, keys, values);
            },
            suffix => HeadRows(kernels, body, suffix, start, logitRows), cancellationToken);
    }

    public float[] AppendTokens(KeyValueCache cache, ReadOnlySpan<int> ids, int threads = 0, CancellationToken cancellationToken = default)
    {
        var body = SuffixBody();
        PrefixResume.CheckAppend(cache, ids.Length, Info.MaxPositions, hasHead: true);
        var kernels = _kernels.WithThreads(threads);
        var whole = cache.Appended(ids);
        int total = whole.Length, layers = cache.Keys.Length, width = cache.Width;
        cache.Reserve(total);
        float[] logits;
        if (body.KeepsKeys(cache.Tokens, total))
        {
            var rows = body.Rows(whole, cache.Tokens);
            logits = PrefixResume.RunSuffix(whole.InputIds.AsSpan(rows.Start), _body.Info.HiddenSize, layers,
                (_, x) => body.EmbedRows(kernels, whole, rows, x),
                (l, x, y) => body.LayerRows(kernels, l, x, y, rows, cache.Keys[l], cache.Values[l]),
                suffix => HeadRows(kernels, body, suffix, rows.Start, [total - 1]), cancellationToken);
        }
        else
        {
            // The cached keys belong to another rotary table (Phi-3's LongRoPE across its original
            // length): every row is recomputed into new arrays, which replace the cache's once all
            // layers ran, so a cancelled call still leaves the cache as it was.
            var rows = body.Rows(whole, 0);
            var keys = new float[layers][];
            var values = new float[layers][];
            logits = PrefixResume.RunSuffix(whole.InputIds, _body.Info.HiddenSize, layers,
                (_, x) => body.EmbedRows(kernels, whole, rows, x),
                (l, x, y) =>
                {
                    keys[l] = GC.AllocateUninitializedArray<float>(checked(total * width));
                    values[l] = GC.AllocateUninitializedArray<float>(checked(total * width));
                    body.LayerRows(kernels, l, x, y, rows, keys[l], values[l]);
                },
                suffix => HeadRows(kernels, body, suffix, 0, [total - 1]), cancellationToken);
            for (int l = 0; l < layers; l++)
            {
                keys[l].CopyTo(cache.Keys[l], 0);
                values[l].CopyTo(cache.Values[l], 0);
            }
        }
        cache.Commit(ids);
        return logits;
    }

    private ICausalSuffixBody SuffixBody()
    {
        if (Info.Head != ModelHead.CausalLM)
            throw new AttentionLensException($"{Info.Architecture} has a {Info.Head} head, not an LM head: it has no next-token logits to compute from a key/value cache.");
        return _body as ICausalSuffixBody
            ?? throw new AttentionLensException($"the {Info.ModelType} body cannot be run from a cached prefix, so its key/value cache cannot be reused.");
    }

    /// <summary>The logits of <paramref name="logitRows"/> (all ≥ <paramref name="start"/>) from the suffix's last-layer states.</summary>
    private float[] HeadRows(IKernels kernels, IDecoderBody body, ReadOnlySpan<float> suffix, int start, int[] logitRows)
    {
        int c = _body.Info.HiddenSize;
        var gathered = new float[logitRows.Length * c];
        for (int i = 0; i < logitRows.Length; i++)
            suffix.Slice((logitRows[i] - start) * c, c).CopyTo(gathered.AsSpan(i * c, c));
        return HeadPath(kernels, body, gathered, logitRows.Length);
    }

    /// <summary>What the last hidden state goes through to become logits: the body's final norm, OPT's project_out,
    /// lm_head and Gemma 2's final_logit_softcapping, on <paramref name="rows"/> rows of the residual stream.</summary>
    private float[] HeadPath(IKernels kernels, IDecoderBody body, ReadOnlySpan<float> residual, int rows)
    {
        int c = _body.Info.HiddenSize;
        var normed = new float[rows * c];
        body.FinalNorm(kernels, residual[..(rows * c)], normed, rows);
        float[] features = normed;
        if (_projectOut is not null)
        {
            features = new float[rows * _projectOut.OutFeatures];
            _projectOut.Forward(kernels, normed, features, rows);
        }
        var logits = new float[rows * _head.OutFeatures];
        _head.Forward(kernels, features, logits, rows);
        if (_finalSoftCap is float cap) SoftCap.Apply(logits, cap);
        return logits;
    }
}
