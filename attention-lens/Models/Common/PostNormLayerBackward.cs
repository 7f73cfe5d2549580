using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The per-layer recompute of the post-norm encoder layer's part after attention (<see cref="PostNormSublayers"/>,
/// which holds the arithmetic and the equations): the forward's intermediates are recomputed here from x and the
/// attention context rather than kept, then differentiated. The caller adds the attention's own backward of
/// ∂y/∂context to ds₁ (the residual branch) to get dx.
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
        var sublayers = new PostNormSublayers(dense, attentionNorm, intermediate, output, outputNorm, activation);
        int n = tokens * dense.OutFeatures;
        using var s1 = new Scratch(n);
        using var s2 = new Scratch(n);
        using var y = new Scratch(n);
        using var inner = new Scratch(tokens * intermediate.OutFeatures);
        sublayers.Forward(kernels, x, context, s1.Span, s2.Span, inner.Span, y.Span, tokens);
        sublayers.Backward(kernels, s1.Span, s2.Span, inner.Span, dy, ds1, context, tokens);
    }
}
