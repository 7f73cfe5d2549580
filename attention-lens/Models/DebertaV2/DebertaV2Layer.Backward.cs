using AttentionLens.Tensors;

namespace AttentionLens.Models.DebertaV2;

/// <summary>The reverse mode of <see cref="DebertaV2Layer"/> (BERT's post-norm shape over disentangled attention).</summary>
public sealed partial class DebertaV2Layer
{
    /// <summary>ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da; dx = ds₁ + attentionᵀ(denseᵀ ds₁).</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, int[] positions, ReadOnlySpan<float> dy, Span<float> dx,
        Span<float> dProbs, int tokens)
    {
        int t = tokens, n = t * _hidden, f = t * _ffn;
        using var contextBuffer = new Scratch(n);
        var context = contextBuffer.Span;
        using (var probs = new Scratch(_attention.Heads * t * t))
            _attention.Forward(kernels, x, mask, positions, probs.Span, context, t, _attentionOutput.Dense, default);
        using var s1Buffer = new Scratch(n);
        var s1 = s1Buffer.Span;
        _attentionOutput.Dense.Forward(kernels, context, s1, t);
        kernels.Add(s1, x);
        using var aBuffer = new Scratch(n);
        var a = aBuffer.Span;
        _attentionOutput.Norm.Forward(kernels, s1, a, t);
        using var innerBuffer = new Scratch(f);
        var inner = innerBuffer.Span;
        _intermediate.Forward(kernels, a, inner, t);
        using var s2Buffer = new Scratch(n);
        var s2 = s2Buffer.Span;
        using (var actBuffer = new Scratch(f))
        {
            inner.CopyTo(actBuffer.Span);
            kernels.Activate(actBuffer.Span, _activation);
            _output.Dense.Forward(kernels, actBuffer.Span, s2, t);
        }
        kernels.Add(s2, a);

        using var ds2Buffer = new Scratch(n);
        var ds2 = ds2Buffer.Span;
        _output.Norm.Backward(s2, dy, ds2, t);
        using var dInnerBuffer = new Scratch(f);
        var dInner = dInnerBuffer.Span;
        _output.Dense.Backward(kernels, ds2, dInner, t);
        ActivationBackward.Apply(inner, dInner, _activation);
        var da = a;
        _intermediate.Backward(kernels, dInner, da, t);
        kernels.Add(da, ds2);
        var ds1 = s2; // s2 is no longer needed
        _attentionOutput.Norm.Backward(s1, da, ds1, t);
        _attentionOutput.Dense.Backward(kernels, ds1, context, t);
        _attention.Backward(kernels, x, mask, positions, context, dProbs, dx, t);
        kernels.Add(dx[..n], ds1);
    }
}
