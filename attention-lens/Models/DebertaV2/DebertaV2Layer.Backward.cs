using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>The reverse mode of <see cref="DebertaV2Layer"/> (BERT's post-norm shape over disentangled attention).</summary>
public sealed partial class DebertaV2Layer
{
    /// <summary>ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da (<see cref="PostNormLayerBackward"/>);
    /// dx = ds₁ + attentionᵀ(denseᵀ ds₁) (the disentangled attention overwrites dx, so ds₁ is added after it).</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int[] positions, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _hidden;
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        using (var probs = new Scratch(_attention.Heads * t * t))
            _attention.Forward(kernels, x, mask, positions, probs.Span, context, t, _attentionOutput.Dense, default);
        using var ds1Buffer = new Scratch(n);
        var ds1 = ds1Buffer.Span;
        PostNormLayerBackward.Backward(kernels, x, context, _attentionOutput.Dense, _attentionOutput.Norm, _intermediate, _output.Dense, _output.Norm,
            _activation, dy, ds1, t);
        _attention.Backward(kernels, x, mask, positions, context, dProbs, dx, t);
        kernels.Add(dx[..n], ds1);
    }
}
