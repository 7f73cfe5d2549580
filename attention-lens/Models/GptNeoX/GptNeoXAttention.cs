using AttentionLens.Checkpoints;
using AttentionLens.Tensors;

namespace AttentionLens.Models.GptNeoX;

/// <summary>
/// modeling_gpt_neox.py GPTNeoXAttention (eager): one fused query_key_value projection whose output
/// is laid out per head as [q | k | v] (view(T, H, 3D)), rotary embeddings on the first rotary_ndims
/// features of q and k, scores scaled by head_size^−½ (norm_factor), the dense output projection.
/// </summary>
public sealed partial class GptNeoXAttention
{
    private readonly Linear _qkv;
    private readonly Linear _dense;
    private readonly int _heads;
    private readonly int _headDim;
    private readonly int _rotaryDim;

    private GptNeoXAttention(Linear qkv, Linear dense, int heads, int headDim, int rotaryDim)
    {
        _qkv = qkv;
        _dense = dense;
        _heads = heads;
        _headDim = headDim;
        _rotaryDim = rotaryDim;
    }

    public static GptNeoXAttention Load(WeightScope w, GptNeoXConfig c, int rotaryDim) => new(
        Linear.Load(w.Scope("query_key_value"), c.HiddenSize, 3 * c.HiddenSize, c.AttentionBias),
        Linear.Load(w.Scope("dense"), c.HiddenSize, c.HiddenSize, c.AttentionBias, heads: c.NumAttentionHeads),
        c.NumAttentionHeads, c.HeadDim, rotaryDim);

    /// <param name="x">(T, C) normed input.</param>
    /// <param name="output">(T, C) dense(attention).</param>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, Span<float> output, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> probs, Span<float> valueOutputs, int tokens, int zeroValueToken = -1)
    {
        int h = _heads, d = _headDim, c = h * d;
        using var qBuffer = new Scratch(tokens * c);
        using var kBuffer = new Scratch(tokens * c);
        using var vBuffer = new Scratch(tokens * c);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        Project(kernels, x, tokens, rope, q, k, v);
        // Value zeroing: token j's value in every head (query_key_value's value slice, bias included).
        if (zeroValueToken >= 0) v.Slice(zeroValueToken * c, c).Clear();
        using var contextBuffer = new Scratch(tokens * c);
        var context = contextBuffer.Span;
        ScaledDotProductAttention.Forward(kernels, q, k, v, bias, probs, context, tokens, h, h, d, MathF.Sqrt(d),
            projection: _dense, valueOutputs: valueOutputs, hidden: _dense.OutFeatures);
        _dense.Forward(kernels, context, output, tokens);
    }
}
