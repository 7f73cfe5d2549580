using AttentionLens.Tensors;

namespace AttentionLens.Models;

/// <summary>
/// The loop every <see cref="IDifferentiableBody"/> runs over its layers, from the last to the first: the chain
/// rule through a stack h_{l+1} = layer_l(h_l) is dh_l = (∂layer_l/∂h_l)ᵀ dh_{l+1}, and each layer's backward is
/// evaluated at its input h_l, which the forward kept (per-layer checkpointing: the layer recomputes its own
/// intermediates). What differs between families — the mask, rotary table, shared ALBERT groups, sliding-window
/// layers — stays in the caller's <see cref="LayerBackward"/>; what is the same — cancellation per layer, where
/// each layer's ∂y/∂P goes (<see cref="GradientRunner.LayerBlock"/>), the non-finite check
/// (<see cref="GradientRunner.CheckLayer"/>) and the two gradient buffers swapped — lives here once.
/// </summary>
internal static class ReverseLayers
{
    /// <summary>One layer's reverse mode: <paramref name="dx"/> = (∂layer/∂x)ᵀ <paramref name="dy"/> at input
    /// <paramref name="x"/>, and ∂y/∂P (H, T, T) written to <paramref name="dProbs"/>.</summary>
    public delegate void LayerBackward(int layer, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dProbs);

    /// <summary>One layer's forward from input <paramref name="x"/> to output <paramref name="y"/>, probabilities
    /// written to <paramref name="probs"/> (H, T, T).</summary>
    public delegate void LayerForward(int layer, ReadOnlySpan<float> x, Span<float> y, Span<float> probs);

    /// <summary>
    /// ∂y/∂(last layer's output) from ∂y/∂(final norm's output): a pre-norm decoder's final norm reads the last
    /// layer's output, which the forward does not keep (its last hidden state is the norm's output), so the last
    /// layer is run once more from its kept input.
    /// </summary>
    /// <param name="hiddenStates">(L+1, T, C) the forward's hidden states.</param>
    public static float[] ThroughFinalNorm(IKernels kernels, float[] hiddenStates, int layers, int heads, int tokens, INorm norm, float[] dLast,
        LayerForward lastLayer)
    {
        int n = dLast.Length;
        using var yBuffer = new Scratch(n);
        var y = yBuffer.Span;
        using (var probs = new Scratch(heads * tokens * tokens))
            lastLayer(layers - 1, hiddenStates.AsSpan((layers - 1) * n, n), y, probs.Span);
        var dy = new float[n];
        norm.Backward(y, dLast, dy, tokens);
        return dy;
    }

    /// <summary>From ∂y/∂(hidden state L) to ∂y/∂(hidden state 0).</summary>
    /// <param name="hiddenStates">(L+1, T, C) the forward's hidden states; layer l reads row block l.</param>
    /// <param name="dy">(T, C) ∂y/∂(hidden state L); used as a work buffer, so pass a copy to keep it.</param>
    /// <param name="gradAttentions">(L, H, T, T) receives every layer's ∂y/∂P, or null to discard them.</param>
    public static float[] Run(float[] hiddenStates, float[] dy, int layers, int heads, int tokens, float[]? gradAttentions, LayerBackward backward,
        CancellationToken cancellationToken)
    {
        int n = dy.Length;
        using var scratch = new Scratch(gradAttentions is null ? heads * tokens * tokens : 0);
        var dx = new float[n];
        for (int l = layers - 1; l >= 0; l--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            backward(l, hiddenStates.AsSpan(l * n, n), dy, dx, GradientRunner.LayerBlock(gradAttentions, scratch.Span, l, heads, tokens));
            GradientRunner.CheckLayer(dx, l);
            (dx, dy) = (dy, dx);
        }
        return dy;
    }
}
