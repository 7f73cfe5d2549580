using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>
/// modeling_llama.py LlamaAttention.forward (eager): q, k, v projections, rotary embeddings on q and k
/// (apply_rotary_pos_emb, rotate-half layout), grouped-query attention (repeat_kv), o_proj.
/// </summary>
public sealed partial class LlamaAttention
{
    private readonly Linear _q;
    private readonly Linear _k;
    private readonly Linear _v;
    private readonly Linear _o;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;

    private LlamaAttention(Linear q, Linear k, Linear v, Linear o, int heads, int kvHeads, int headDim)
    {
        _q = q;
        _k = k;
        _v = v;
        _o = o;
        _heads = heads;
        _kvHeads = kvHeads;
        _headDim = headDim;
    }

    public static LlamaAttention Load(WeightScope w, LlamaConfig c)
    {
        int h = c.NumAttentionHeads, kv = c.KeyValueHeads, d = c.HeadDim, e = c.HiddenSize;
        return new LlamaAttention(
            Linear.Load(w.Scope("q_proj"), e, h * d, c.QkvBias),
            Linear.Load(w.Scope("k_proj"), e, kv * d, c.QkvBias),
            Linear.Load(w.Scope("v_proj"), e, kv * d, c.QkvBias),
            Linear.Load(w.Scope("o_proj"), h * d, e, c.AttentionBias, heads: h),
            h, kv, d);
    }

    /// <param name="x">(T, C) normed input.</param>
    /// <param name="output">(T, C) o_proj(attention).</param>
    /// <param name="keysOut">(T, H_kv·D) receives the keys after RoPE, when not empty (a <see cref="KeyValueCache"/>).</param>
    /// <param name="valuesOut">(T, H_kv·D) receives the values, when not empty.</param>
    /// <param name="outputRows">When given, o_proj runs on these rows of the context only and
    /// <paramref name="output"/> is (R, C) (<see cref="LastLayerRows"/>).</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, Span<float> keysOut = default, Span<float> valuesOut = default, int zeroValueToken = -1,
        int[]? outputRows = null)
    {
        using var qBuffer = new Scratch(tokens * _heads * _headDim);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(tokens * _kvHeads * _headDim);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(tokens * _kvHeads * _headDim);
        var v = vBuffer.Span;
        _q.Forward(kernels, x, q, tokens);
        _k.Forward(kernels, x, k, tokens);
        _v.Forward(kernels, x, v, tokens);
        // Value zeroing: token j's value in every key/value head (v_proj's output, bias included).
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * _kvHeads * _headDim, _kvHeads * _headDim).Clear();
        kernels.Rope(q, tokens, _heads, _headDim, rope);
        kernels.Rope(k, tokens, _kvHeads, _headDim, rope);
        if (!keysOut.IsEmpty) k.CopyTo(keysOut);
        if (!valuesOut.IsEmpty) v.CopyTo(valuesOut);
        using var contextBuffer = new Scratch(q.Length);
        var context = contextBuffer.Span;
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _kvHeads, _headDim,
            MathF.Sqrt(_headDim), projection: _o, valueOutputs: valueOutputs, hidden: _o.OutFeatures);
        if (outputRows is null)
        {
            _o.Forward(kernels, context, output, tokens);
            return;
        }
        int qw = _heads * _headDim;
        using var rowsBuffer = new Scratch(outputRows.Length * qw);
        LastLayerRows.Gather(context, qw, outputRows, rowsBuffer.Span);
        _o.Forward(kernels, rowsBuffer.Span, output, outputRows.Length);
    }

    /// <summary>
    /// <see cref="Forward"/> for rows <paramref name="start"/>…T−1 only, the keys and values of rows
    /// before <paramref name="start"/> taken from a cache (a causal model's earlier rows do not depend
    /// on later ones). The square attention kernel runs over all T rows with zero queries for the
    /// cached rows (their outputs are dropped): attention is T²·H·D, small beside the projections
    /// it saves.
    /// </summary>
    /// <param name="x">(T − start, C) normed input of the recomputed rows.</param>
    /// <param name="output">(T − start, C) o_proj(attention) of those rows.</param>
    /// <param name="bias">(T, T) additive mask of the whole changed input.</param>
    public void ForwardSuffix(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope,
        ReadOnlySpan<float> cachedKeys, ReadOnlySpan<float> cachedValues, int start, int tokens)
    {
        int rows = tokens - start, qw = _heads * _headDim, kw = _kvHeads * _headDim;
        using var qBuffer = new Scratch(tokens * qw);
        var q = qBuffer.Span;
        using var kBuffer = new Scratch(tokens * kw);
        var k = kBuffer.Span;
        using var vBuffer = new Scratch(tokens * kw);
        var v = vBuffer.Span;
        q[..(start * qw)].Clear();
        k[..(start * kw)].Clear();
        _q.Forward(kernels, x, q[(start * qw)..], rows);
        _k.Forward(kernels, x, k[(start * kw)..], rows);
        _v.Forward(kernels, x, v[(start * kw)..], rows);
        // RoPE over all T rows rotates each row by its own position; the zero rows stay zero.
        kernels.Rope(q, tokens, _heads, _headDim, rope);
        kernels.Rope(k, tokens, _kvHeads, _headDim, rope);
        cachedKeys[..(start * kw)].CopyTo(k);
        cachedValues[..(start * kw)].CopyTo(v);
        using var probsBuffer = new Scratch(_heads * tokens * tokens);
        using var contextBuffer = new Scratch(tokens * qw);
        var context = contextBuffer.Span;
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, tokens, _heads, _kvHeads, _headDim, 1f / MathF.Sqrt(_headDim));
        _o.Forward(kernels, context[(start * qw)..], output, rows);
    }

    /// <summary>
    /// <see cref="Forward"/> of <paramref name="rows"/> tokens appended at positions
    /// <paramref name="start"/>…: their keys and values go into the cache's rows, and their queries
    /// attend over every cached row (<see cref="AppendedRowsAttention"/>).
    /// </summary>
    /// <param name="x">(R, C) normed input of the new rows.</param>
    /// <param name="output">(R, C) o_proj(attention) of those rows.</param>
    /// <param name="rope">The rotary table of positions start… (row 0 = position start).</param>
    public void Append(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, RopeTable rope,
        Span<float> cacheKeys, Span<float> cacheValues, int start, int rows, int[]? keyMask, int? window)
    {
        int qw = _heads * _headDim, kw = _kvHeads * _headDim;
        using var qBuffer = new Scratch(rows * qw);
        var q = qBuffer.Span;
        var k = cacheKeys.Slice(start * kw, rows * kw);
        var v = cacheValues.Slice(start * kw, rows * kw);
        _q.Forward(kernels, x, q, rows);
        _k.Forward(kernels, x, k, rows);
        _v.Forward(kernels, x, v, rows);
        kernels.Rope(q, rows, _heads, _headDim, rope);
        kernels.Rope(k, rows, _kvHeads, _headDim, rope);
        using var contextBuffer = new Scratch(rows * qw);
        var context = contextBuffer.Span;
        AppendedRowsAttention.Forward(kernels, q, cacheKeys, cacheValues, context, start, rows, _heads, _kvHeads, _headDim,
            1f / MathF.Sqrt(_headDim), keyMask, window);
        _o.Forward(kernels, context, output, rows);
    }
}
