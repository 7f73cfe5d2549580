using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The post-norm encoder layer's part after attention (Vaswani et al. 2017, §3.1; Devlin et al. 2019), shared by
/// BERT (and the families built on its layer), ALBERT, DistilBERT and DeBERTa-v2, whose layers differ only in how
/// the attention context c is computed: s₁ = x + O c, a = LN₁(s₁), s₂ = a + W₂ act(W₁ a), y = LN₂(s₂). Its reverse
/// mode: ds₂ = LN₂ᵀ dy; da = ds₂ + W₁ᵀ(act′ ⊙ W₂ᵀ ds₂); ds₁ = LN₁ᵀ da; dc = Oᵀ ds₁ — the caller adds the attention's
/// own backward of dc to ds₁ (the residual branch) to get dx. The forward writes what the backward reads (s₁, s₂ and
/// the pre-activation W₁ a), so the kept-intermediate tapes keep those and the per-layer recompute
/// (<see cref="PostNormLayerBackward"/>) recomputes them: one implementation of the arithmetic for both.
/// </summary>
/// <param name="Dense">O, the attention output projection.</param>
/// <param name="AttentionNorm">LN₁.</param>
/// <param name="Intermediate">W₁ (C → F).</param>
/// <param name="Output">W₂ (F → C).</param>
/// <param name="OutputNorm">LN₂.</param>
internal sealed record PostNormSublayers(Linear Dense, LayerNorm AttentionNorm, Linear Intermediate, Linear Output, LayerNorm OutputNorm, Activation Activation)
{
    /// <summary>y from x and the attention context over <paramref name="rows"/> rows, writing s₁, s₂ (rows, C) and
    /// the pre-activation <paramref name="inner"/> (rows, F) for <see cref="Backward"/>.</summary>
    public void Forward(IKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<float> context, Span<float> s1, Span<float> s2, Span<float> inner,
        Span<float> y, int rows)
    {
        int n = rows * Dense.OutFeatures;
        Dense.Forward(kernels, context, s1, rows);
        kernels.Add(s1, x[..n]);
        var a = y[..n]; // a = LN₁(s₁) lives in y until y = LN₂(s₂) replaces it
        AttentionNorm.Forward(kernels, s1, a, rows);
        Intermediate.Forward(kernels, a, inner, rows);
        using (var actBuffer = new Scratch(inner.Length))
        {
            // act(inner) goes to its own buffer: the backward needs the pre-activation for act′.
            var act = actBuffer.Span;
            inner.CopyTo(act);
            kernels.Activate(act, Activation);
            Output.Forward(kernels, act, s2, rows);
        }
        kernels.Add(s2, a);
        OutputNorm.Forward(kernels, s2, a, rows);
    }

    /// <summary>∂y/∂s₁ into <paramref name="ds1"/> and ∂y/∂c into <paramref name="dContext"/>, at the s₁, s₂ and
    /// pre-activation <see cref="Forward"/> wrote.</summary>
    public void Backward(IKernels kernels, ReadOnlySpan<float> s1, ReadOnlySpan<float> s2, ReadOnlySpan<float> inner, ReadOnlySpan<float> dy,
        Span<float> ds1, Span<float> dContext, int rows)
    {
        int n = rows * Dense.OutFeatures;
        using var ds2Buffer = new Scratch(n);
        using var daBuffer = new Scratch(n);
        Span<float> ds2 = ds2Buffer.Span, da = daBuffer.Span;
        OutputNorm.Backward(s2, dy[..n], ds2, rows);
        using (var dInnerBuffer = new Scratch(inner.Length))
        {
            var dInner = dInnerBuffer.Span;
            Output.Backward(kernels, ds2, dInner, rows);
            kernels.ActivateBackward(inner, dInner, Activation);
            Intermediate.Backward(kernels, dInner, da, rows);
        }
        kernels.Add(da, ds2);
        AttentionNorm.Backward(s1, da, ds1[..n], rows);
        Dense.Backward(kernels, ds1[..n], dContext, rows);
    }
}
