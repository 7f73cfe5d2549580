using AttentionLens.Tensors;

namespace AttentionLens.Models.DistilBert;

/// <summary>The reverse mode of <see cref="DistilBertTransformerBlock"/> (post-norm, like BERT's layer).</summary>
public sealed partial class DistilBertTransformerBlock
{
    /// <summary>
    /// s₁ = x + out(attn(x)), a = LN₁(s₁), s₂ = a + lin2(act(lin1(a))), y = LN₂(s₂). Backward:
    /// ds₂ = LN₂ᵀ dy; da = ds₂ + lin1ᵀ(act′ ⊙ lin2ᵀ ds₂); ds₁ = LN₁ᵀ da (<see cref="PostNormLayerBackward"/>);
    /// dx = ds₁ + attentionᵀ(outᵀ ds₁) (<see cref="QkvSelfAttentionBackward"/>).
    /// The query is scaled before the product; its derivative equals scaling the scores.
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _dim;
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        QkvSelfAttentionBackward.Recompute(kernels, _q, _k, _v, x, bias, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, t, _heads, scaleQuery: true);
        PostNormLayerBackward.Backward(kernels, x, context, _out, _saNorm, _lin1, _lin2, _outputNorm, _activation, dy, dx, t);
        QkvSelfAttentionBackward.Backward(kernels, _q, _k, _v, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, dProbs, dx, t, _heads);
    }
}
