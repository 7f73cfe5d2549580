using AttentionLens.Tensors;

namespace AttentionLens.Models.Opt;

/// <summary>The reverse mode of <see cref="OptAttention"/>.</summary>
public sealed partial class OptAttention
{
    public int Heads => _heads;

    /// <summary>Recompute, then dcontext = out_projᵀ dOut, <see cref="AttentionBackward"/> (scaling the query
    /// first has the scores' derivative), dx = q_projᵀ dq + k_projᵀ dk + v_projᵀ dv.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> dOutput, Span<float> dx, ReadOnlySpan<float> bias, Span<float> dProbs, int tokens)
    {
        int t = tokens, c = _heads * _headDim, n = t * c;
        float scale = 1f / MathF.Sqrt(_headDim);
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        Span<float> q = qBuffer.Span, k = kBuffer.Span, v = vBuffer.Span;
        _q.Forward(kernels, x, q, t);
        _k.Forward(kernels, x, k, t);
        _v.Forward(kernels, x, v, t);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        kernels.Attention(q, k, v, bias, probsBuffer.Span, context, t, _heads, _heads, _headDim, scale, scaleQuery: true);
        _out.Backward(kernels, dOutput, context, t);
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        AttentionBackward.Backward(kernels, q, k, v, probsBuffer.Span, context, dProbs, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, t, _heads, _heads, _headDim, scale);
        QkvSelfAttentionBackward.Projections(kernels, _q, _k, _v, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, dx, t);
    }
}
