using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertSelfAttention"/> (the shared <see cref="QkvSelfAttentionBackward"/>).</summary>
public sealed partial class BertSelfAttention
{
    public int Heads => _heads;

    /// <summary>The forward's q, k, v (T, C each), probabilities and context, recomputed from x.</summary>
    public void Recompute(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> q, Span<float> k, Span<float> v,
        Span<float> probs, Span<float> context, int tokens) =>
        QkvSelfAttentionBackward.Recompute(kernels, _query, _key, _value, x, bias, q, k, v, probs, context, tokens, _heads);

    /// <summary>From ∂y/∂context to ∂y/∂P (H, T, T) and dx += W_Qᵀdq + W_Kᵀdk + W_Vᵀdv.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, ReadOnlySpan<float> probs,
        ReadOnlySpan<float> dContext, Span<float> dProbs, Span<float> dx, int tokens) =>
        QkvSelfAttentionBackward.Backward(kernels, _query, _key, _value, q, k, v, probs, dContext, dProbs, dx, tokens, _heads);
}
