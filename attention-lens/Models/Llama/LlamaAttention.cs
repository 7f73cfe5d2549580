using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>
/// modeling_llama.py LlamaAttention.forward (eager): q, k, v projections, rotary embeddings on q and k
/// (apply_rotary_pos_emb, rotate-half layout), grouped-query attention (repeat_kv), o_proj.
/// </summary>
public sealed class LlamaAttention
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
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens)
    {
        var q = new float[tokens * _heads * _headDim];
        var k = new float[tokens * _kvHeads * _headDim];
        var v = new float[tokens * _kvHeads * _headDim];
        _q.Forward(kernels, x, q, tokens);
        _k.Forward(kernels, x, k, tokens);
        _v.Forward(kernels, x, v, tokens);
        kernels.Rope(q, tokens, _heads, _headDim, rope);
        kernels.Rope(k, tokens, _kvHeads, _headDim, rope);
        var context = new float[q.Length];
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _kvHeads, _headDim,
            1f / MathF.Sqrt(_headDim), projection: _o, valueOutputs: valueOutputs, hidden: _o.OutFeatures);
        _o.Forward(kernels, context, output, tokens);
    }
}
