using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertSelfAttention"/>.</summary>
public sealed partial class BertSelfAttention
{
    public int Heads => _heads;

    /// <summary>The forward's q, k, v (T, C each), probabilities and context, recomputed from x.</summary>
    public void Recompute(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> q, Span<float> k, Span<float> v,
        Span<float> probs, Span<float> context, int tokens)
    {
        _query.Forward(kernels, x, q, tokens);
        _key.Forward(kernels, x, k, tokens);
        _value.Forward(kernels, x, v, tokens);
        int d = _hidden / _heads;
        kernels.Attention(q, k, v, bias, probs, context, tokens, _heads, _heads, d, 1f / MathF.Sqrt(d));
    }

    /// <summary>From ∂y/∂context to ∂y/∂P (H, T, T) and dx += W_Qᵀdq + W_Kᵀdk + W_Vᵀdv.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probs,
        ReadOnlySpan<float> dContext, Span<float> dProbs, Span<float> dx, int tokens)
    {
        int n = tokens * _hidden, d = _hidden / _heads;
        using var dqBuffer = new Scratch(n);
        using var dkBuffer = new Scratch(n);
        using var dvBuffer = new Scratch(n);
        AttentionBackward.Backward(kernels, q, k, v, probs, dContext, dProbs, dqBuffer.Span, dkBuffer.Span, dvBuffer.Span, tokens, _heads, _heads, d, 1f / MathF.Sqrt(d));
        using var partBuffer = new Scratch(n);
        var part = partBuffer.Span;
        _query.Backward(kernels, dqBuffer.Span, part, tokens);
        kernels.Add(dx[..n], part);
        _key.Backward(kernels, dkBuffer.Span, part, tokens);
        kernels.Add(dx[..n], part);
        _value.Backward(kernels, dvBuffer.Span, part, tokens);
        kernels.Add(dx[..n], part);
    }
}
