using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertLayer"/>: recompute from the layer's input, then differentiate.</summary>
public sealed partial class BertLayer
{
    /// <summary>
    /// Post-norm: s₁ = x + O(attn(x)), a = LN₁(s₁), s₂ = a + W₂ act(W₁ a), y = LN₂(s₂). Backward:
    /// ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da (<see cref="PostNormLayerBackward"/>);
    /// dx = ds₁ + attentionᵀ(Oᵀ ds₁).
    /// </summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _hidden;
        using var qBuffer = new Scratch(n);
        using var kBuffer = new Scratch(n);
        using var vBuffer = new Scratch(n);
        using var probsBuffer = new Scratch(_attention.Heads * t * t);
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        _attention.Recompute(kernels, x, bias, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, t);
        PostNormLayerBackward.Backward(kernels, x, context, _attentionOutput.Dense, _attentionOutput.Norm, _intermediate, _output.Dense, _output.Norm,
            _activation, dy, dx, t);
        _attention.Backward(kernels, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, dProbs, dx, t);
    }
}
