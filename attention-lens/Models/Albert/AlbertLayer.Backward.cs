using AttentionLens.Tensors;

namespace AttentionLens.Models.Albert;

/// <summary>The reverse mode of <see cref="AlbertLayer"/> (the shape of BERT's post-norm layer).</summary>
public sealed partial class AlbertLayer
{
    /// <summary>
    /// s₁ = x + dense(attn(x)), a = LN₁(s₁), s₂ = a + ffn_output(act(ffn(a))), y = LN₂(s₂). Backward:
    /// ds₂ = LN₂ᵀ dy; da = ds₂ + ffnᵀ(act′ ⊙ ffn_outputᵀ ds₂); ds₁ = LN₁ᵀ da (<see cref="PostNormLayerBackward"/>);
    /// dx = ds₁ + attentionᵀ(denseᵀ ds₁) (<see cref="QkvSelfAttentionBackward"/>).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _hidden;
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        using var probsBuffer = new Scratch(_heads * t * t);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        QkvSelfAttentionBackward.Recompute(kernels, _query, _key, _value, x, bias, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, t, _heads);
        PostNormLayerBackward.Backward(kernels, x, context, _dense, _attentionNorm, _ffn, _ffnOutput, _fullNorm, _activation, dy, dx, t);
        QkvSelfAttentionBackward.Backward(kernels, _query, _key, _value, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, dProbs, dx, t, _heads);
    }
}
