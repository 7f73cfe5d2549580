using AttentionLens.Tensors;

namespace AttentionLens.Models.Bert;

/// <summary>The reverse mode of <see cref="BertLayer"/>: recompute from the layer's input, then differentiate.</summary>
public sealed partial class BertLayer
{
    /// <summary>
    /// Post-norm: s₁ = x + O(attn(x)), a = LN₁(s₁), s₂ = a + W₂ act(W₁ a), y = LN₂(s₂). Backward:
    /// ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da; dx = ds₁ + attentionᵀ(Oᵀ ds₁).
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
        using var s1Buffer = new Scratch(n);
        var s1 = s1Buffer.Span;
        _attentionOutput.Dense.Forward(kernels, context, s1, t);
        kernels.Add(s1, x[..n]);
        using var aBuffer = new Scratch(n);
        var a = aBuffer.Span;
        _attentionOutput.Norm.Forward(kernels, s1, a, t);
        using var innerBuffer = new Scratch(t * _ffn);
        var inner = innerBuffer.Span;
        _intermediate.Forward(kernels, a, inner, t);
        using var s2Buffer = new Scratch(n);
        var s2 = s2Buffer.Span;
        using (var actBuffer = new Scratch(t * _ffn))
        {
            inner.CopyTo(actBuffer.Span);
            kernels.Activate(actBuffer.Span, _activation);
            _output.Dense.Forward(kernels, actBuffer.Span, s2, t);
        }
        kernels.Add(s2, a);

        using var ds2Buffer = new Scratch(n);
        var ds2 = ds2Buffer.Span;
        _output.Norm.Backward(s2, dy, ds2, t);
        using var dInnerBuffer = new Scratch(t * _ffn);
        var dInner = dInnerBuffer.Span;
        _output.Dense.Backward(kernels, ds2, dInner, t);
        ActivationBackward.Apply(inner, dInner, _activation);
        var da = a; // a is no longer needed
        _intermediate.Backward(kernels, dInner, da, t);
        kernels.Add(da, ds2);
        _attentionOutput.Norm.Backward(s1, da, dx, t);
        _attentionOutput.Dense.Backward(kernels, dx, context, t);
        _attention.Backward(kernels, qBuffer.Span, kBuffer.Span, vBuffer.Span, probsBuffer.Span, context, dProbs, dx, t);
    }
}
