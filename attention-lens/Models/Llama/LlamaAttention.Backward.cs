using AttentionLens.Tensors;

namespace AttentionLens.Models.Llama;

/// <summary>The reverse mode of <see cref="LlamaAttention"/>.</summary>
public sealed partial class LlamaAttention
{
    public int HeadCount => _heads;

    /// <summary>
    /// Recomputes q, k (after RoPE), v, P and the context from the normed input x, then from
    /// ∂y/∂output: dcontext = o_projᵀ, (dq, dk, dv, dP) by <see cref="AttentionBackward"/> (GQA sums
    /// the query heads' dk, dv into their shared key/value head), RoPEᵀ on dq and dk, and
    /// dx = q_projᵀ dq + k_projᵀ dk + v_projᵀ dv.
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> dOutput, Span<float> dx, ReadOnlySpan<float> bias, RopeTable rope,
        Span<float> dProbs, int tokens)
    {
        int t = tokens, qw = _heads * _headDim, kw = _kvHeads * _headDim;
        using var qBuffer = new Scratch(t * qw);
        using var kBuffer = new Scratch(t * kw);
        using var vBuffer = new Scratch(t * kw);
        var q = qBuffer.Span;
        var k = kBuffer.Span;
        var v = vBuffer.Span;
        _q.Forward(kernels, x, q, t);
        _k.Forward(kernels, x, k, t);
        _v.Forward(kernels, x, v, t);
        kernels.Rope(q, t, _heads, _headDim, rope);
        kernels.Rope(k, t, _kvHeads, _headDim, rope);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(t * qw);
        var context = contextBuffer.Span;
        float scale = 1f / MathF.Sqrt(_headDim);
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, t, _heads, _kvHeads, _headDim, scale);

        _o.Backward(kernels, dOutput, context, t);
        using var dqBuffer = new Scratch(t * qw);
        using var dkBuffer = new Scratch(t * kw);
        using var dvBuffer = new Scratch(t * kw);
        var dq = dqBuffer.Span;
        var dk = dkBuffer.Span;
        AttentionBackward.Backward(kernels, q, k, v, probsBuffer.Span, context, dProbs, dq, dk, dvBuffer.Span, t, _heads, _kvHeads, _headDim, scale);
        RopeBackward.Apply(dq, t, _heads, _headDim, _headDim, rope);
        RopeBackward.Apply(dk, t, _kvHeads, _headDim, _headDim, rope);
        QkvSelfAttentionBackward.Projections(kernels, _q, _k, _v, dq, dk, dvBuffer.Span, dx, t);
    }
}
