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

    /// <summary>q, k, v of <paramref name="tokens"/> rows from the fused query_key_value (per head [q | k | v]),
    /// q and k rotated on their first rotary_ndims features by <paramref name="rope"/>'s positions.</summary>
    private void Project(IKernels kernels, ReadOnlySpan<float> x, int tokens, RopeTable rope, Span<float> q, Span<float> k, Span<float> v)
    {
        int h = _heads, d = _headDim, c = h * d;
        using var qkvBuffer = new Scratch(tokens * 3 * c);
        var qkv = qkvBuffer.Span;
        _qkv.Forward(kernels, x, qkv, tokens);
        SplitHeads(qkv, q, k, v, tokens);
        PartialRotary.Apply(kernels, q, tokens, h, d, _rotaryDim, rope);
        PartialRotary.Apply(kernels, k, tokens, h, d, _rotaryDim, rope);
    }

    /// <summary>query_key_value's (rows, 3·H·d) output, laid out per head as [q | k | v], into q, k, v (rows, H·d).</summary>
    private void SplitHeads(ReadOnlySpan<float> qkv, Span<float> q, Span<float> k, Span<float> v, int rows)
    {
        int d = _headDim, c = _heads * d;
        for (int r = 0; r < rows; r++)
            for (int head = 0; head < _heads; head++)
            {
                var block = qkv.Slice(r * 3 * c + head * 3 * d, 3 * d);
                block[..d].CopyTo(q.Slice(r * c + head * d, d));
                block.Slice(d, d).CopyTo(k.Slice(r * c + head * d, d));
                block.Slice(2 * d, d).CopyTo(v.Slice(r * c + head * d, d));
            }
    }

    /// <summary>The transpose of <see cref="SplitHeads"/>: dq, dk, dv (rows, H·d) into query_key_value's per-head
    /// [dq | dk | dv] layout, the gradient its backward takes.</summary>
    private void JoinHeads(ReadOnlySpan<float> dq, ReadOnlySpan<float> dk, ReadOnlySpan<float> dv, Span<float> qkv, int rows)
    {
        int d = _headDim, c = _heads * d;
        for (int r = 0; r < rows; r++)
            for (int head = 0; head < _heads; head++)
            {
                var block = qkv.Slice(r * 3 * c + head * 3 * d, 3 * d);
                dq.Slice(r * c + head * d, d).CopyTo(block);
                dk.Slice(r * c + head * d, d).CopyTo(block.Slice(d));
                dv.Slice(r * c + head * d, d).CopyTo(block.Slice(2 * d));
            }
    }
}
