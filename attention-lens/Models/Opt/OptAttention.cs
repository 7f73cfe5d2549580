using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>
/// modeling_opt.py OPTAttention (eager): the query is scaled by head_dim^−½ right after q_proj
/// (before the product, as in BART), then softmax(q kᵀ + mask) v and out_proj.
/// </summary>
public sealed partial class OptAttention
{
    private readonly Linear _q;
    private readonly Linear _k;
    private readonly Linear _v;
    private readonly Linear _out;
    private readonly int _heads;
    private readonly int _headDim;

    private OptAttention(Linear q, Linear k, Linear v, Linear o, int heads, int headDim)
    {
        _q = q;
        _k = k;
        _v = v;
        _out = o;
        _heads = heads;
        _headDim = headDim;
    }

    public static OptAttention Load(WeightScope w, OptConfig c)
    {
        int e = c.HiddenSize;
        return new OptAttention(
            Linear.Load(w.Scope("q_proj"), e, e, c.EnableBias),
            Linear.Load(w.Scope("k_proj"), e, e, c.EnableBias),
            Linear.Load(w.Scope("v_proj"), e, e, c.EnableBias),
            Linear.Load(w.Scope("out_proj"), e, e, c.EnableBias, heads: c.NumAttentionHeads),
            c.NumAttentionHeads, c.HeadDim);
    }

    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias,
        Span<float> probs, Span<float> valueOutputs, int tokens, int zeroValueToken = -1)
    {
        int n = tokens * _heads * _headDim;
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        using var contextBuffer = new Scratch(n);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span, context = contextBuffer.Span;
        _q.Forward(kernels, x, q, tokens);
        _k.Forward(kernels, x, k, tokens);
        _v.Forward(kernels, x, v, tokens);
        // Value zeroing: token zeroValueToken's value vector (v_proj's output, bias included) set to 0 in
        // every head, as inseq's hook does to OPTAttention's value_states before the attention product.
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * _heads * _headDim, _heads * _headDim).Clear();
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, _heads, _heads, _headDim, MathF.Sqrt(_headDim),
            scaleQuery: true, projection: _out, valueOutputs: valueOutputs, hidden: _out.OutFeatures);
        _out.Forward(kernels, context, output, tokens);
    }
}
