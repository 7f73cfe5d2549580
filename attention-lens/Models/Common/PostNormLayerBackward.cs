using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The reverse mode of the post-norm encoder layer's part after attention, shared by BERT (and the families
/// built on its layer), ALBERT, DistilBERT and DeBERTa-v2, whose layers differ only in how the attention
/// context is computed (Vaswani et al. 2017, §3.1; Devlin et al. 2019): with c the attention context,
/// s₁ = x + O c, a = LN₁(s₁), s₂ = a + W₂ act(W₁ a), y = LN₂(s₂). Backward:
/// ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da; dc = Oᵀ ds₁.
/// The caller adds the attention's own backward of dc to ds₁ (the residual branch) to get dx.
/// Per-layer checkpointing: the forward's intermediates are recomputed here from x and c rather than kept.
/// </summary>
public static class PostNormLayerBackward
{
    /// <param name="x">(T, C) the layer's input.</param>
    /// <param name="context">(T, C) the attention context the forward fed to <paramref name="dense"/>; overwritten with ∂y/∂context.</param>
    /// <param name="dense">O, the attention output projection.</param>
    /// <param name="attentionNorm">LN₁.</param>
    /// <param name="intermediate">W₁ (C → F).</param>
    /// <param name="output">W₂ (F → C).</param>
    /// <param name="outputNorm">LN₂.</param>
    /// <param name="dy">(T, C) ∂y/∂(layer output).</param>
    /// <param name="ds1">(T, C) receives ∂y/∂s₁, the gradient the residual carries straight to x.</param>
    public static void Backward(IKernels kernels, ReadOnlySpan<float> x, Span<float> context, Linear dense, LayerNorm attentionNorm,
        Linear intermediate, Linear output, LayerNorm outputNorm, Activation activation, ReadOnlySpan<float> dy, Span<float> ds1, int tokens)
    {
        int t = tokens, n = t * dense.OutFeatures, f = t * intermediate.OutFeatures;
        using var s1Buffer = new Scratch(n);
        var s1 = s1Buffer.Span;
        dense.Forward(kernels, context, s1, t);
        kernels.Add(s1, x[..n]);
        using var aBuffer = new Scratch(n);
        var a = aBuffer.Span;
        attentionNorm.Forward(kernels, s1, a, t);
        using var innerBuffer = new Scratch(f);
        var inner = innerBuffer.Span;
        intermediate.Forward(kernels, a, inner, t);
        using var s2Buffer = new Scratch(n);
        var s2 = s2Buffer.Span;
        using (var actBuffer = new Scratch(f))
        {
            // act(inner) goes to its own buffer: the backward needs the pre-activation for act′.
            inner.CopyTo(actBuffer.Span);
            kernels.Activate(actBuffer.Span, activation);
            output.Forward(kernels, actBuffer.Span, s2, t);
        }
        kernels.Add(s2, a);

        using var ds2Buffer = new Scratch(n);
        var ds2 = ds2Buffer.Span;
        outputNorm.Backward(s2, dy, ds2, t);
        using var dInnerBuffer = new Scratch(f);
        var dInner = dInnerBuffer.Span;
        output.Backward(kernels, ds2, dInner, t);
        ActivationBackward.Apply(inner, dInner, activation);
        var da = a; // a is no longer needed once W₁ᵀ reads dInner
        intermediate.Backward(kernels, dInner, da, t);
        kernels.Add(da, ds2);
        attentionNorm.Backward(s1, da, ds1, t);
        dense.Backward(kernels, ds1, context, t);
    }
}
